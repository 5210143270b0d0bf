import { ConflictError, ValidationError } from './errors';
import type { Ticket } from './ticket';

/**
 * Merging a duplicate ticket into another (SPEC §13): the rules, without storage. The
 * source is closed with `mergedInto`; replies to it go to the target from then on; its work
 * entries stay where they were billed.
 */

/** Longest chain of merges followed to find where a reply goes (merges race only rarely). */
export const MAX_MERGE_HOPS = 8;

/** Merging a ticket into itself is a mistake of the request, not a state of the tickets. */
export function assertDistinct(sourceId: string, targetId: string): void {
  if (sourceId === targetId) {
    throw new ValidationError('A ticket cannot be merged into itself.', [
      { field: 'body.intoTicketId', message: 'name another ticket than the one merged' },
    ]);
  }
}

/**
 * Whether the source may be merged into the target as they stand: neither merged already,
 * neither closed. A merge already done into this very target is told apart (`replay`), so
 * the caller can finish its second half and answer that it was done.
 */
export function mergeCheck(source: Ticket, target: Ticket): 'ok' | 'replay' {
  if (source.mergedInto) {
    if (source.mergedInto.ticketId === target.ticketId) return 'replay';
    throw new ConflictError(
      `Ticket ${source.ticketId} was merged into ${source.mergedInto.ticketId} already.`,
    );
  }
  if (source.status === 'closed') {
    throw new ConflictError(`Ticket ${source.ticketId} is closed; a closed ticket is not merged.`);
  }
  if (target.mergedInto) {
    throw new ConflictError(
      `Ticket ${target.ticketId} was merged into ${target.mergedInto.ticketId}; merge into that one instead.`,
    );
  }
  if (target.status === 'closed') {
    throw new ConflictError(
      `Ticket ${target.ticketId} is closed; merge into a ticket that is not closed.`,
    );
  }
  return 'ok';
}

/**
 * The source after the merge: closed, no longer held, and naming the ticket it went into.
 * Its time of receipt, requester, conversation and work stay; it leaves the queue.
 */
export function mergedSource<T extends Ticket>(
  source: T,
  targetId: string,
  by: string,
  at: string,
): T {
  const next: T = { ...source, status: 'closed', mergedInto: { ticketId: targetId, at, by } };
  delete next.assignee;
  return next;
}

/** The text of the internal note a merge leaves on the target: ids only, no one's words. */
export function mergeNoteBody(sourceId: string, by: string): string {
  return (
    `Ticket ${sourceId} was merged into this ticket by ${by}. Its conversation and work ` +
    `entries stay on ${sourceId}; replies to it are added here.`
  );
}

/** The id of that note: one per merged ticket, so the note is written once however often. */
export function mergeNoteId(sourceId: string): string {
  return `merge-${sourceId}`;
}

/**
 * Who may see a reply to a merged ticket on the target (SPEC §14): the target's requester,
 * or someone of the target's customer. A reply from anyone else becomes an internal note
 * on the target, so the target's customer never sees a stranger's words.
 */
export function mayWriteIntoTarget(
  author: { email?: string; customerId?: string },
  target: Ticket,
): boolean {
  if (author.email !== undefined && author.email === target.requester.email) return true;
  return author.customerId !== undefined && author.customerId === target.customer?.id;
}
