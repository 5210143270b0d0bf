import { changeRecords, type Actor } from '../domain/history';
import { ConflictError, ForbiddenError, NotFoundError } from '../domain/errors';
import type { ServiceLevelPlan } from '../domain/service-levels/plan';
import {
  changeStatus,
  recordFirstResponse,
  retarget,
  startClock,
} from '../domain/service-levels/sla-clock';
import {
  isHeld,
  type Severity,
  type TicketStatus,
  type VerificationMethod,
} from '../domain/ticket';
import { assertTransition } from '../domain/ticket-status';
import { outboxEvents } from '../domain/mail/outbox-event';
import { calendarOf, planFor } from './manage-service-levels';
import type {
  BusinessMetrics,
  Clock,
  Outbox,
  ServiceLevelPlans,
  StoredTicket,
  TicketRepository,
} from './ports';

type Deps = {
  tickets: TicketRepository;
  clock: Clock;
  serviceLevels: ServiceLevelPlans;
  metrics?: BusinessMetrics;
};

/** Attempts before a change that keeps losing races to other writers is given up (409). */
const ATTEMPTS = 5;

/**
 * Reads the ticket, applies `change` and writes it back only if nobody changed it in
 * between; on a lost race it reads again and re-applies, so concurrent edits never
 * overwrite each other.
 */
export async function changeTicket(
  deps: Deps,
  ticketId: string,
  /** Gets the instant of the change, so what it records agrees with `updatedAt`. */
  change: (ticket: StoredTicket, now: string) => StoredTicket | Promise<StoredTicket>,
  /** Who changes it, for the history (SPEC §13). @default 'system' */
  actor: Actor = 'system',
): Promise<StoredTicket> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await deps.tickets.get(ticketId);
    if (!current) throw new NotFoundError(`No ticket ${ticketId}.`);
    const now = deps.clock.now().toISOString();
    const changed = await change(current, now);
    if (changed === current) return current;
    const saved = await saveChange(deps, current, changed, actor, now);
    if (saved) return saved;
  }
  throw new ConflictError(`Ticket ${ticketId} is being changed by someone else; try again.`);
}

/**
 * Writes one change of a ticket read before (`current`) with its clock, version and history
 * records, only if the ticket is still at that version; resolves the stored ticket, or
 * undefined when someone changed it in between.
 */
export async function saveChange(
  deps: Deps,
  current: StoredTicket,
  changed: StoredTicket,
  actor: Actor,
  now: string,
): Promise<StoredTicket | undefined> {
  const plan = current.sla ? await planFor(deps, current.sla.planId) : undefined;
  const next: StoredTicket = {
    ...withClock(current, changed, plan, now),
    updatedAt: now,
    version: current.version + 1,
  };
  // The record rides in the very put that makes the change: no change without its record.
  const records = changeRecords(current, next, actor, now);
  if (records.length) next.history = [...(current.history ?? []), ...records];
  if (!(await deps.tickets.save(next, current.version))) return undefined;
  if (plan && deps.metrics) measureServiceLevel(deps.metrics, current, next, plan);
  return next;
}

/**
 * A change that met the first response or resolved a contract ticket: the business time
 * it took from the start of its SLA clock (for the resolution less the paused time),
 * measured once, when it happens.
 */
function measureServiceLevel(
  metrics: BusinessMetrics,
  before: StoredTicket,
  after: StoredTicket,
  plan: ServiceLevelPlan,
): void {
  const sla = after.sla;
  if (!sla) return;
  const calendar = calendarOf(plan);
  const started = Date.parse(sla.startedAt);
  if (sla.firstResponseAt && !before.sla?.firstResponseAt) {
    metrics.record('slaBusinessTime', calendar.between(started, Date.parse(sla.firstResponseAt)), {
      target: 'firstResponse',
    });
  }
  if (sla.resolvedAt && !before.sla?.resolvedAt) {
    const business = calendar.between(started, Date.parse(sla.resolvedAt)) - sla.pausedMs;
    metrics.record('slaBusinessTime', Math.max(0, business), { target: 'resolution' });
  }
}

/**
 * The ticket's SLA clock and waiting time after a change (SPEC §9): a status change may
 * pause or resume the resolution clock, a severity change recomputes both dues from the
 * start, leaving the contract group ends the SLA; the first take ends the waiting time.
 */
function withClock(
  before: StoredTicket,
  after: StoredTicket,
  plan: ServiceLevelPlan | undefined,
  now: string,
): StoredTicket {
  const next = { ...after };
  if (before.status === 'open' && after.status === 'in_progress' && !next.firstAttendedAt) {
    next.firstAttendedAt = now;
  }
  if (after.group !== 'contract') {
    delete next.sla;
    return next;
  }
  if (!next.sla || !plan || next.sla !== before.sla) return next;
  const calendar = calendarOf(plan);
  let sla = next.sla;
  if (after.status !== before.status) {
    sla = changeStatus(calendar, sla, before.status, after.status, now);
  }
  if (after.severity !== before.severity)
    sla = retarget(calendar, sla, plan.targets[after.severity]);
  next.sla = sla;
  return next;
}

export interface TicketChange {
  severity?: Severity;
  status?: TicketStatus;
}

/** Who acts on a ticket: the agent's name, and whether they are an admin. */
export interface ActorOptions {
  /** Admins may change and release tickets other agents hold. @default false */
  admin?: boolean;
}

/**
 * A held ticket (in progress, waiting for the customer) is changed only by the agent who
 * holds it or an admin (SPEC §14): anyone else gets 403, and may still add internal notes.
 */
export function assertMayChange(ticket: StoredTicket, agent: string, options: ActorOptions): void {
  if (isHeld(ticket.status) && ticket.assignee !== agent && !options.admin) {
    throw new ForbiddenError(
      `Ticket ${ticket.ticketId} is held by another agent; only they or an admin can change ` +
        'it. Internal notes are welcome.',
    );
  }
}

/**
 * An agent changes severity and/or status. A new severity re-keys a waiting ticket in the
 * queue; `open → in_progress` takes this ticket for the agent (recorded on the ticket when
 * another waited before it); `→ open` puts it back at its original place (its time of
 * receipt never changes). A held ticket is changed only by its agent or an admin.
 */
export async function updateTicket(
  deps: Deps & { outbox: Outbox },
  ticketId: string,
  agent: string,
  change: TicketChange,
  options: ActorOptions = {},
): Promise<StoredTicket> {
  let resolvedNow = false;
  // Whether the ticket heads the queue is read once, only when a take is asked for.
  let head: string | undefined | null = null;
  const updated = await changeTicket(
    deps,
    ticketId,
    async (ticket) => {
      resolvedNow = false;
      let next = ticket;
      if (change.status === 'in_progress' && isHeld(ticket.status) && ticket.assignee !== agent) {
        // A take that came too late: the ticket is someone's already.
        throw new ConflictError(
          `Ticket ${ticketId} is already held by ${ticket.assignee ?? 'another agent'}.`,
        );
      }
      assertMayChange(ticket, agent, options);
      if (change.status !== undefined && change.status !== ticket.status) {
        assertTransition(ticket.status, change.status);
        next = { ...next, status: change.status };
        resolvedNow = change.status === 'resolved';
        if (change.status === 'in_progress' && ticket.status === 'open') {
          next.assignee = agent;
          if (head === null) head = (await deps.tickets.queueHeads(1))[0]?.ticketId;
          if (head !== undefined && head !== ticketId) {
            next.takenOutOfOrder = { by: agent, at: deps.clock.now().toISOString() };
          }
        }
        if (change.status === 'open') delete next.assignee;
      }
      if (change.severity !== undefined && change.severity !== ticket.severity) {
        next = { ...next, severity: change.severity };
      }
      return next;
    },
    agent,
  );
  // The mailer looks for billable work and sends the notice only if there is some.
  if (resolvedNow) {
    await deps.outbox.publish(outboxEvents.billingNotice(ticketId, updated.version));
  }
  return updated;
}

/**
 * A customer wrote: a resolved ticket goes back to the queue at its original place, one
 * waiting for the customer goes back to its agent.
 */
export function reopenOnCustomerReply(
  deps: Deps,
  ticketId: string,
  /** `customer` (web, portal) or `mail`. @default 'customer' */
  actor: Actor = 'customer',
): Promise<StoredTicket> {
  return changeTicket(
    deps,
    ticketId,
    (ticket) => {
      if (ticket.status === 'resolved') {
        const reopened: StoredTicket = { ...ticket, status: 'open' };
        delete reopened.assignee;
        return reopened;
      }
      if (ticket.status === 'waiting_customer') return { ...ticket, status: 'in_progress' };
      return ticket;
    },
    actor,
  );
}

/**
 * The agent holding a ticket (or an admin) gives it back; it returns to the queue at its
 * original place.
 */
export function releaseTicket(
  deps: Deps,
  ticketId: string,
  agent: string,
  options: ActorOptions = {},
): Promise<StoredTicket> {
  return changeTicket(
    deps,
    ticketId,
    (ticket) => {
      if (ticket.status !== 'in_progress' && ticket.status !== 'waiting_customer') {
        throw new ConflictError(`Ticket ${ticketId} is '${ticket.status}', not held by an agent.`);
      }
      assertMayChange(ticket, agent, options);
      const released: StoredTicket = { ...ticket, status: 'open' };
      delete released.assignee;
      return released;
    },
    agent,
  );
}

/** Notes the attachments that came with the ticket's first mail (idempotent). */
export function attachToTicket(
  deps: Deps,
  ticketId: string,
  attachments: StoredTicket['attachments'],
): Promise<StoredTicket> {
  return changeTicket(
    deps,
    ticketId,
    (ticket) => (ticket.attachments || !attachments?.length ? ticket : { ...ticket, attachments }),
    'mail',
  );
}

/** Adds one stored attachment to the ticket (once, however often it is retried). */
export function addAttachment(
  deps: Deps,
  ticketId: string,
  attachment: NonNullable<StoredTicket['attachments']>[number],
  /** Who adds it: an agent's `sub`, or `customer`. @default 'customer' */
  actor: Actor = 'customer',
): Promise<StoredTicket> {
  return changeTicket(
    deps,
    ticketId,
    (ticket) =>
      ticket.attachments?.some((a) => a.key === attachment.key)
        ? ticket
        : { ...ticket, attachments: [...(ticket.attachments ?? []), attachment] },
    actor,
  );
}

/**
 * The ticket's requester proved the address theirs: the ticket records it, unless its
 * requester is someone else by now (the proof is for an address, not for a ticket).
 */
export function markRequesterVerified(
  deps: Deps,
  ticketId: string,
  email: string,
  method: VerificationMethod,
): Promise<StoredTicket> {
  return changeTicket(
    deps,
    ticketId,
    (ticket) =>
      ticket.requesterVerified || ticket.requester.email !== email
        ? ticket
        : { ...ticket, requesterVerified: true, requesterVerifiedBy: method },
    method === 'mail' ? 'mail' : 'customer',
  );
}

/**
 * Moves one waiting ticket to another group (a contract started or ended). Joining the
 * contract group starts its SLA clock now, on the contract's plan; leaving ends it.
 */
export async function regroupTicket(
  deps: Deps,
  ticketId: string,
  group: StoredTicket['group'],
  planId?: string,
  /** The admin who saved the customer, or `system` (the daily job). @default 'system' */
  actor: Actor = 'system',
): Promise<StoredTicket> {
  const plan = group === 'contract' ? await planFor(deps, planId) : undefined;
  return changeTicket(
    deps,
    ticketId,
    (ticket, at) => {
      if (ticket.status !== 'open' || ticket.group === group) return ticket;
      const moved: StoredTicket = { ...ticket, group };
      if (plan) {
        moved.sla = startClock(calendarOf(plan), plan.planId, plan.targets[ticket.severity], at);
      }
      return moved;
    },
    actor,
  );
}

/**
 * An agent answered the customer (a message that is not internal): the first one meets
 * the first response and ends the waiting time. Later answers change nothing.
 */
export function recordAgentAnswer(
  deps: Deps,
  ticketId: string,
  at: string,
  agent: Actor = 'system',
): Promise<StoredTicket> {
  return changeTicket(
    deps,
    ticketId,
    (ticket) => {
      const answered = ticket.sla && !ticket.sla.firstResponseAt;
      if (!answered && ticket.firstAttendedAt) return ticket;
      return {
        ...ticket,
        ...(ticket.sla ? { sla: recordFirstResponse(ticket.sla, at) } : {}),
        firstAttendedAt: ticket.firstAttendedAt ?? at,
      };
    },
    agent,
  );
}
