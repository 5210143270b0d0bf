import { ConflictError, NotFoundError } from '../domain/errors';
import {
  assertDistinct,
  MAX_MERGE_HOPS,
  mergeCheck,
  mergedSource,
  mergeNoteBody,
  mergeNoteId,
} from '../domain/merge';
import type { TicketMessage } from '../domain/message';
import { assertMayChange, saveChange, type ActorOptions } from './change-ticket';
import type {
  BusinessMetrics,
  Clock,
  MessageRepository,
  ServiceLevelPlans,
  StoredTicket,
  TicketRepository,
} from './ports';

/** The merge's hold on the ticket merged into. */
export interface MergeReservations {
  /**
   * Moves the ticket's version on by one, changing nothing else, if it is still at
   * `expectedVersion`, not closed and not merged; false otherwise. A merge does this to
   * its target before it writes the source, so two merges into each other cannot both
   * succeed (docs/privacy.md, "Merge").
   */
  reserve(ticketId: string, expectedVersion: number): Promise<boolean>;
}

export interface MergeDeps {
  tickets: TicketRepository;
  mergeReservations: MergeReservations;
  messages: MessageRepository;
  clock: Clock;
  serviceLevels: ServiceLevelPlans;
  metrics?: BusinessMetrics;
}

/** Attempts before a merge that keeps losing races is given up (409). */
const ATTEMPTS = 5;

/**
 * `POST /tickets/{ticketId}/merge {intoTicketId}`: the source (a duplicate) is closed with
 * `mergedInto` and leaves the queue; both tickets get a `merge` record; the target gets an
 * internal note naming the source. The source's conversation and work entries stay where
 * they are (work stays billed where it was recorded).
 *
 * Without transactions (the local DynamoDB stand-in has none) the merge is made safe by
 * order: read both, reserve the target (a conditional version bump: not closed, not
 * merged), then write the source conditional on the version read *before* the reservation.
 * The source's write is the commit; the target's note follows and is written once (its id
 * is derived from the source), so a request cut after the commit is finished by sending it
 * again, which then answers 409 "merged already". Two merges into each other cannot both
 * commit: each one's reservation moves the version the other's commit is conditional on.
 */
export async function mergeTicket(
  deps: MergeDeps,
  sourceId: string,
  targetId: string,
  agent: string,
  options: ActorOptions = {},
): Promise<{ source: StoredTicket; target: StoredTicket }> {
  assertDistinct(sourceId, targetId);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const [source, target] = await Promise.all([
      deps.tickets.get(sourceId),
      deps.tickets.get(targetId),
    ]);
    if (!source) throw new NotFoundError(`No ticket ${sourceId}.`);
    if (!target) throw new NotFoundError(`No ticket ${targetId} to merge into.`);
    if (mergeCheck(source, target) === 'replay') {
      // Finish a merge a crash cut after its commit, then say it was done before.
      await leaveNote(deps, source, target.ticketId);
      throw new ConflictError(`Ticket ${sourceId} was merged into ${targetId} already.`);
    }
    assertMayChange(source, agent, options);
    if (!(await deps.mergeReservations.reserve(target.ticketId, target.version))) continue;
    const now = deps.clock.now().toISOString();
    const merged = await saveChange(
      deps,
      source,
      mergedSource(source, target.ticketId, agent, now),
      agent,
      now,
    );
    if (!merged) continue;
    await leaveNote(deps, merged, target.ticketId);
    const after = await deps.tickets.get(target.ticketId);
    return { source: merged, target: after ?? target };
  }
  throw new ConflictError(
    `Ticket ${sourceId} or ${targetId} is being changed by someone else; try again.`,
  );
}

/** The target's note (with its `merge` record): once per merged ticket, however often. */
async function leaveNote(deps: MergeDeps, source: StoredTicket, targetId: string): Promise<void> {
  const by = source.mergedInto?.by ?? 'system';
  const note: TicketMessage = {
    messageId: mergeNoteId(source.ticketId),
    ticketId: targetId,
    author: { kind: 'agent', name: by },
    body: mergeNoteBody(source.ticketId, by),
    internal: true,
    channel: 'web',
    createdAt: source.mergedInto?.at ?? deps.clock.now().toISOString(),
    mergedFrom: source.ticketId,
  };
  await deps.messages.add(note);
}

/**
 * Where a reply to a merged ticket goes: the end of its chain of merges (two merges racing
 * into each other's targets can leave a chain, never a cycle), or undefined when the chain
 * is longer than a merge makes (then the reply stays with the ticket named).
 */
export async function mergeTarget(
  deps: { tickets: Pick<TicketRepository, 'get'> },
  ticket: StoredTicket,
): Promise<StoredTicket | undefined> {
  let current = ticket;
  for (let hop = 0; hop < MAX_MERGE_HOPS && current.mergedInto; hop++) {
    const next = await deps.tickets.get(current.mergedInto.ticketId);
    if (!next) return undefined;
    current = next;
  }
  return current.mergedInto ? undefined : current;
}
