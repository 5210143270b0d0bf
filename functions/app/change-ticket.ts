import { ConflictError, ForbiddenError, NotFoundError } from '../domain/errors';
import {
  isHeld,
  type Severity,
  type TicketStatus,
  type VerificationMethod,
} from '../domain/ticket';
import { assertTransition } from '../domain/ticket-status';
import { outboxEvents } from '../domain/mail/outbox-event';
import type { Clock, Outbox, StoredTicket, TicketRepository } from './ports';

type Deps = { tickets: TicketRepository; clock: Clock };

/** Attempts before a change that keeps losing races to other writers is given up (409). */
const ATTEMPTS = 5;

/**
 * Reads the ticket, applies `change` and writes it back only if nobody changed it in
 * between; on a lost race it reads again and re-applies, so concurrent edits never
 * overwrite each other.
 */
async function changeTicket(
  deps: Deps,
  ticketId: string,
  change: (ticket: StoredTicket) => StoredTicket | Promise<StoredTicket>,
): Promise<StoredTicket> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await deps.tickets.get(ticketId);
    if (!current) throw new NotFoundError(`No ticket ${ticketId}.`);
    const changed = await change(current);
    if (changed === current) return current;
    const next = {
      ...changed,
      updatedAt: deps.clock.now().toISOString(),
      version: current.version + 1,
    };
    if (await deps.tickets.save(next, current.version)) return next;
  }
  throw new ConflictError(`Ticket ${ticketId} is being changed by someone else; try again.`);
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
function assertMayChange(ticket: StoredTicket, agent: string, options: ActorOptions): void {
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
  const updated = await changeTicket(deps, ticketId, async (ticket) => {
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
  });
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
export function reopenOnCustomerReply(deps: Deps, ticketId: string): Promise<StoredTicket> {
  return changeTicket(deps, ticketId, (ticket) => {
    if (ticket.status === 'resolved') {
      const reopened: StoredTicket = { ...ticket, status: 'open' };
      delete reopened.assignee;
      return reopened;
    }
    if (ticket.status === 'waiting_customer') return { ...ticket, status: 'in_progress' };
    return ticket;
  });
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
  return changeTicket(deps, ticketId, (ticket) => {
    if (ticket.status !== 'in_progress' && ticket.status !== 'waiting_customer') {
      throw new ConflictError(`Ticket ${ticketId} is '${ticket.status}', not held by an agent.`);
    }
    assertMayChange(ticket, agent, options);
    const released: StoredTicket = { ...ticket, status: 'open' };
    delete released.assignee;
    return released;
  });
}

/** Notes the attachments that came with the ticket's first mail (idempotent). */
export function attachToTicket(
  deps: Deps,
  ticketId: string,
  attachments: StoredTicket['attachments'],
): Promise<StoredTicket> {
  return changeTicket(deps, ticketId, (ticket) =>
    ticket.attachments || !attachments?.length ? ticket : { ...ticket, attachments },
  );
}

/** Adds one stored attachment to the ticket (once, however often it is retried). */
export function addAttachment(
  deps: Deps,
  ticketId: string,
  attachment: NonNullable<StoredTicket['attachments']>[number],
): Promise<StoredTicket> {
  return changeTicket(deps, ticketId, (ticket) =>
    ticket.attachments?.some((a) => a.key === attachment.key)
      ? ticket
      : { ...ticket, attachments: [...(ticket.attachments ?? []), attachment] },
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
  return changeTicket(deps, ticketId, (ticket) =>
    ticket.requesterVerified || ticket.requester.email !== email
      ? ticket
      : { ...ticket, requesterVerified: true, requesterVerifiedBy: method },
  );
}

/** Moves one waiting ticket to another group (a contract started or ended). */
export function regroupTicket(
  deps: Deps,
  ticketId: string,
  group: StoredTicket['group'],
): Promise<StoredTicket> {
  return changeTicket(deps, ticketId, (ticket) =>
    ticket.status === 'open' && ticket.group !== group ? { ...ticket, group } : ticket,
  );
}
