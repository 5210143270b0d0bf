import type { TicketStatus } from '../ticket';
import type { BusinessCalendar } from './business-time';
import type { ServiceTargets } from './plan';

/** The four escalation stages of a ticket: 80 % and breach of each target (SPEC §9). */
export const ESCALATION_STAGES = [
  'firstResponseWarning',
  'firstResponseBreach',
  'resolutionWarning',
  'resolutionBreach',
] as const;
export type EscalationStage = (typeof ESCALATION_STAGES)[number];

/** Share of a target's business time after which the team is warned. */
export const WARNING_SHARE = 0.8;

/**
 * The SLA clock of a contract ticket, stored on the ticket. Due instants are computed when
 * something changes them (start, severity, end of a pause) on the plan's calendar, so
 * reading a ticket or running the escalation job needs no calendar at all.
 */
export interface SlaClock {
  planId: string;
  /** The plan's time zone, in which deadlines are told to people. */
  timeZone?: string;
  /** When the clock was started: receipt, or when the ticket joined the contract group. */
  startedAt: string;
  /** The targets of the ticket's severity, as they were when the dues were computed. */
  targets: ServiceTargets;
  firstResponseDue: string;
  firstResponseWarningAt: string;
  /** Moves later by the business time paused. */
  resolutionDue: string;
  resolutionWarningAt: string;
  /** The first agent message that was not internal. */
  firstResponseAt?: string;
  /** When the ticket was (last) resolved; cleared by a reopen. */
  resolvedAt?: string;
  /** Business milliseconds the resolution clock was paused, pauses that ended. */
  pausedMs: number;
  /** Since when the resolution clock is paused (waiting for the customer, resolved). */
  pausedSince?: string;
  /** When each escalation stage was handled (mails queued), so each goes out once. */
  escalated?: Partial<Record<EscalationStage, string>>;
}

/** `sla` of the agent and customer views (SPEC §9). */
export interface SlaView {
  planId: string;
  firstResponseDue: string;
  resolutionDue: string;
  firstResponseAt?: string;
  resolvedAt?: string;
  firstResponse: 'pending' | 'met' | 'breached';
  resolution: 'pending' | 'paused' | 'met' | 'breached';
}

const MINUTE_MS = 60_000;

/** Statuses in which the resolution clock stands still. */
export function pausesResolution(status: TicketStatus): boolean {
  return status === 'waiting_customer' || status === 'resolved' || status === 'closed';
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Computes the due and warning instants from the start, targets and paused time. */
function withDues(
  calendar: BusinessCalendar,
  clock: Omit<
    SlaClock,
    'firstResponseDue' | 'firstResponseWarningAt' | 'resolutionDue' | 'resolutionWarningAt'
  >,
): SlaClock {
  const start = Date.parse(clock.startedAt);
  const fr = clock.targets.firstResponseMinutes * MINUTE_MS;
  const res = clock.targets.resolutionMinutes * MINUTE_MS;
  return {
    ...clock,
    firstResponseDue: iso(calendar.add(start, fr)),
    firstResponseWarningAt: iso(calendar.add(start, Math.round(fr * WARNING_SHARE))),
    resolutionDue: iso(calendar.add(start, res + clock.pausedMs)),
    resolutionWarningAt: iso(calendar.add(start, Math.round(res * WARNING_SHARE) + clock.pausedMs)),
  };
}

/** A clock started at `at` (receipt, or joining the contract group), in the given status. */
export function startClock(
  calendar: BusinessCalendar,
  planId: string,
  targets: ServiceTargets,
  at: string,
  status: TicketStatus = 'open',
): SlaClock {
  return withDues(calendar, {
    planId,
    timeZone: calendar.timeZone,
    startedAt: at,
    targets,
    pausedMs: 0,
    ...(pausesResolution(status) ? { pausedSince: at } : {}),
  });
}

/** New targets (a severity change): both dues again from the start (SPEC §9). */
export function retarget(
  calendar: BusinessCalendar,
  clock: SlaClock,
  targets: ServiceTargets,
): SlaClock {
  const {
    firstResponseDue: _a,
    firstResponseWarningAt: _b,
    resolutionDue: _c,
    resolutionWarningAt: _d,
    ...rest
  } = clock;
  return withDues(calendar, { ...rest, targets });
}

/**
 * The clock after a status change at `at`: entering `waiting_customer`/`resolved` pauses
 * the resolution clock, leaving them resumes it with the due moved later by the business
 * time paused; resolving records when, reopening forgets it.
 */
export function changeStatus(
  calendar: BusinessCalendar,
  clock: SlaClock,
  from: TicketStatus,
  to: TicketStatus,
  at: string,
): SlaClock {
  if (from === to) return clock;
  let next: SlaClock = { ...clock };
  if (to === 'resolved') next.resolvedAt = at;
  else if (from === 'resolved' && to !== 'closed') delete next.resolvedAt;
  if (pausesResolution(to) && !pausesResolution(from)) next.pausedSince = at;
  if (!pausesResolution(to) && next.pausedSince !== undefined) {
    const paused = calendar.between(Date.parse(next.pausedSince), Date.parse(at));
    delete next.pausedSince;
    const {
      firstResponseDue: _a,
      firstResponseWarningAt: _b,
      resolutionDue: _c,
      resolutionWarningAt: _d,
      ...rest
    } = next;
    next = withDues(calendar, { ...rest, pausedMs: next.pausedMs + paused });
  }
  return next;
}

/** The first agent message that is not internal meets the first response (once). */
export function recordFirstResponse(clock: SlaClock, at: string): SlaClock {
  return clock.firstResponseAt ? clock : { ...clock, firstResponseAt: at };
}

/** What the views show of the clock at the instant `now`. */
export function slaView(clock: SlaClock, now: Date): SlaView {
  const t = now.toISOString();
  const firstResponse = clock.firstResponseAt
    ? clock.firstResponseAt <= clock.firstResponseDue
      ? 'met'
      : 'breached'
    : t > clock.firstResponseDue
      ? 'breached'
      : 'pending';
  let resolution: SlaView['resolution'];
  if (clock.resolvedAt) resolution = clock.resolvedAt <= clock.resolutionDue ? 'met' : 'breached';
  else if (clock.pausedSince)
    resolution = clock.pausedSince > clock.resolutionDue ? 'breached' : 'paused';
  else resolution = t > clock.resolutionDue ? 'breached' : 'pending';
  return {
    planId: clock.planId,
    firstResponseDue: clock.firstResponseDue,
    resolutionDue: clock.resolutionDue,
    ...(clock.firstResponseAt ? { firstResponseAt: clock.firstResponseAt } : {}),
    ...(clock.resolvedAt ? { resolvedAt: clock.resolvedAt } : {}),
    firstResponse,
    resolution,
  };
}

/**
 * The escalation stages that may still be mailed, with their instants: first-response
 * stages until an agent answered, resolution stages while the clock runs; nothing for a
 * resolved or closed ticket, and nothing twice.
 */
export function pendingEscalations(
  clock: SlaClock,
  status: TicketStatus,
): { stage: EscalationStage; at: string }[] {
  if (status === 'resolved' || status === 'closed') return [];
  const stages: { stage: EscalationStage; at: string }[] = [];
  if (!clock.firstResponseAt) {
    stages.push({ stage: 'firstResponseWarning', at: clock.firstResponseWarningAt });
    stages.push({ stage: 'firstResponseBreach', at: clock.firstResponseDue });
  }
  if (!clock.pausedSince) {
    stages.push({ stage: 'resolutionWarning', at: clock.resolutionWarningAt });
    stages.push({ stage: 'resolutionBreach', at: clock.resolutionDue });
  }
  return stages
    .filter(({ stage }) => !clock.escalated?.[stage])
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** The next instant the escalation job must look at the ticket, if any. */
export function nextEscalationAt(clock: SlaClock, status: TicketStatus): string | undefined {
  return pendingEscalations(clock, status)[0]?.at;
}

/** Business time left to a due instant (negative once passed), in ms. */
export function businessTimeLeft(calendar: BusinessCalendar, due: string, now: Date): number {
  const d = Date.parse(due);
  const n = now.getTime();
  return d >= n ? calendar.between(n, d) : -calendar.between(d, n);
}
