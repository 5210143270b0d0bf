import { ConflictError } from './errors';
import type { TicketStatus } from './ticket';

/**
 * Which status an agent may set from which (SPEC §6). `open → in_progress` is a claim of
 * that very ticket; `in_progress → open` and `waiting_customer → open` are a release by
 * the holder; `resolved → open` reopens.
 * `closed` is final.
 */
const ALLOWED: Record<TicketStatus, readonly TicketStatus[]> = {
  open: ['in_progress', 'resolved'],
  in_progress: ['open', 'waiting_customer', 'resolved'],
  waiting_customer: ['in_progress', 'open', 'resolved'],
  resolved: ['open', 'closed'],
  closed: [],
};

export function canTransition(from: TicketStatus, to: TicketStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function assertTransition(from: TicketStatus, to: TicketStatus): void {
  if (!canTransition(from, to)) {
    const allowed = ALLOWED[from];
    throw new ConflictError(
      `A ticket cannot go from '${from}' to '${to}'` +
        (allowed.length
          ? `; from '${from}' it may go to: ${allowed.join(', ')}.`
          : '; it is closed.'),
    );
  }
}
