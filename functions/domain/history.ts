import type { TicketMessage } from './message';
import type { Ticket } from './ticket';
import type { WorkEntry } from './work-entry';

/**
 * A ticket's history (SPEC §13): one record per change, with who and when, append-only.
 * Records carry ids, statuses and codes, never a name, an address or a customer's text, so
 * an erasure never has to touch them (and they stay append-only through it).
 */

/** Who changed a ticket: a staff member's `sub`, or one of these. */
export const SYSTEM_ACTORS = ['customer', 'mail', 'system'] as const;
export type Actor = string;

/** What changed. */
export const HISTORY_ACTIONS = [
  'created',
  'claim',
  'take',
  'take-out-of-order',
  'release',
  'status',
  'assignee',
  'severity',
  'group',
  'merge',
  'message',
  'work',
  'attachment',
  'verified',
  'erasure',
  'retention',
] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

/** One change of a ticket. */
export interface HistoryRecord {
  /** ISO-8601 UTC instant of the change. */
  at: string;
  actor: Actor;
  action: HistoryAction;
  from?: string;
  to?: string;
  /** The message, work entry or ticket the change is about, by id. */
  ref?: string;
}

/** One record; optional parts are left out rather than stored empty. */
export function historyRecord(record: HistoryRecord): HistoryRecord {
  const { at, actor, action, from, to, ref } = record;
  return {
    at,
    actor,
    action,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(ref !== undefined ? { ref } : {}),
  };
}

/**
 * The records of one change of a ticket, derived from the ticket before and after it, so
 * that no path that writes a ticket can forget to record what it did. Bookkeeping that
 * follows from a change (SLA clock, `updatedAt`, version, acknowledgement marks) is no
 * change of its own.
 */
export function changeRecords(
  before: Ticket,
  after: Ticket,
  actor: Actor,
  at: string,
): HistoryRecord[] {
  const records: HistoryRecord[] = [];
  const add = (action: HistoryAction, from?: string, to?: string) =>
    records.push(historyRecord({ at, actor, action, from, to }));
  if (after.mergedInto && !before.mergedInto) {
    // A merge closes the ticket and hands it over: one change, one record, which says where.
    return [mergeRecord(before.ticketId, after.mergedInto.ticketId, actor, at)];
  }
  if (before.status !== after.status) {
    let action: HistoryAction = 'status';
    if (before.status === 'open' && after.status === 'in_progress') {
      const outOfOrder =
        after.takenOutOfOrder !== undefined && after.takenOutOfOrder !== before.takenOutOfOrder;
      action = outOfOrder ? 'take-out-of-order' : 'take';
    } else if (
      after.status === 'open' &&
      (before.status === 'in_progress' || before.status === 'waiting_customer') &&
      before.assignee !== undefined &&
      !after.assignee
    ) {
      // Only a held ticket is released; a resolved one going back is a reopen (`status`).
      action = 'release';
    }
    add(action, before.status, after.status);
  } else if (before.assignee !== after.assignee) {
    add('assignee', before.assignee, after.assignee);
  }
  if (before.severity !== after.severity) add('severity', before.severity, after.severity);
  if (before.group !== after.group) add('group', before.group, after.group);
  const attachmentsBefore = before.attachments?.length ?? 0;
  const attachmentsAfter = after.attachments?.length ?? 0;
  if (attachmentsAfter > attachmentsBefore) {
    add('attachment', String(attachmentsBefore), String(attachmentsAfter));
  }
  if (after.requesterVerified === true && before.requesterVerified !== true) {
    add('verified', undefined, after.requesterVerifiedBy);
  }
  if (after.anonymised && after.anonymised !== before.anonymised) {
    add(after.anonymised.reason);
  }
  if ((after.authorErasures ?? 0) > (before.authorErasures ?? 0)) {
    // Another person's messages on this ticket were erased (`to`: whose part, not who).
    add('erasure', undefined, 'messages');
  }
  return records;
}

/** The record of a new ticket: who made it is told by its channel. */
export function createdRecord(ticket: Ticket): HistoryRecord {
  const actor =
    ticket.channel === 'email' ? 'mail' : ticket.channel === 'phone' ? 'system' : 'customer';
  return historyRecord({
    at: ticket.receivedAt,
    actor,
    action: 'created',
    to: ticket.status,
    ...(ticket.relatedTicketId ? { ref: ticket.relatedTicketId } : {}),
  });
}

/**
 * The record of a merge (`from`: the ticket merged, `to`: the ticket it went into), on both
 * tickets: in the source's own list, and in the note the merge leaves on the target.
 */
export function mergeRecord(
  sourceId: string,
  targetId: string,
  actor: Actor,
  at: string,
  ref?: string,
): HistoryRecord {
  return historyRecord({ at, actor, action: 'merge', from: sourceId, to: targetId, ref });
}

/** The record a message is stored with: who wrote it and whether the customer sees it. */
export function messageRecord(message: TicketMessage): HistoryRecord {
  if (message.mergedFrom !== undefined && message.author.kind === 'agent') {
    return mergeRecord(
      message.mergedFrom,
      message.ticketId,
      message.author.name,
      message.createdAt,
      message.messageId,
    );
  }
  // The intake's own notes (channel `email`, written by no person) are the mail's doing.
  const actor =
    message.author.kind === 'agent'
      ? message.channel === 'email'
        ? 'mail'
        : message.author.name
      : message.channel === 'email'
        ? 'mail'
        : 'customer';
  return historyRecord({
    at: message.createdAt,
    actor,
    action: 'message',
    to: message.unverified ? 'unverified' : message.internal ? 'internal' : 'public',
    ref: message.messageId,
  });
}

/** The record a work entry is stored with: minutes and service, never its description. */
export function workRecord(entry: WorkEntry): HistoryRecord {
  return historyRecord({
    at: entry.recordedAt,
    actor: entry.agent,
    action: 'work',
    to: `${entry.minutes} min ${entry.serviceCode}`,
    ref: entry.entryId,
  });
}

/** The record of a claim through the queue (`POST /queue/claim`). */
export function claimRecord(agent: string, at: string): HistoryRecord {
  return historyRecord({ at, actor: agent, action: 'claim', from: 'open', to: 'in_progress' });
}

/**
 * A ticket's records from its sources (the ticket's own list, its messages, its work
 * entries), oldest first; records of the same instant keep the order they were given in.
 */
export function mergeHistory(...sources: HistoryRecord[][]): HistoryRecord[] {
  return sources
    .flat()
    .map((record, index) => ({ record, index }))
    .sort((a, b) =>
      a.record.at < b.record.at ? -1 : a.record.at > b.record.at ? 1 : a.index - b.index,
    )
    .map(({ record }) => record);
}
