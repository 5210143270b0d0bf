import { createHash } from 'node:crypto';
import { normalizeEmail } from './customer';
import type { TicketMessage } from './message';
import type { Ticket } from './ticket';
import type { WorkEntry } from './work-entry';

/**
 * Data protection (SPEC §13): what an erasure or the end of the retention period leaves
 * of a ticket and what hangs on it. Pure: which fields hold personal data and what takes
 * their place. Ids, times, statuses, staff names, service codes, minutes and amounts stay,
 * so history, reports and billing still add up.
 */

/** What stands where personal data was. */
export const ERASED = '[erased]';

/** Why personal data was removed. */
export type AnonymisationReason = NonNullable<Ticket['anonymised']>['reason'];

/** Default months after which a closed ticket is anonymised (`RETENTION_MONTHS`). */
export const DEFAULT_RETENTION_MONTHS = 24;
/**
 * Default years billing records are kept (`BILLING_RETENTION_YEARS`): § 147 AO and § 257
 * HGB keep accounting records ten years (from the end of the calendar year).
 */
export const DEFAULT_BILLING_RETENTION_YEARS = 10;

/** Whether a ticket still holds personal data of its requester. */
export function holdsPersonalData(ticket: Ticket): boolean {
  return (
    ticket.requester.name !== ERASED ||
    ticket.requester.email !== undefined ||
    ticket.requester.phone !== undefined ||
    ticket.subject !== ERASED ||
    ticket.description !== ERASED ||
    (ticket.attachments?.length ?? 0) > 0
  );
}

/**
 * The ticket without its requester's personal data: name, address, phone, subject,
 * description and files. The same ticket (unchanged) when nothing is left to remove, so a
 * repeated erasure changes nothing and records nothing.
 */
export function anonymiseTicket<T extends Ticket>(
  ticket: T,
  at: string,
  reason: AnonymisationReason,
): T {
  if (!holdsPersonalData(ticket)) return ticket;
  const next: T = {
    ...ticket,
    requester: { name: ERASED },
    subject: ERASED,
    description: ERASED,
    anonymised: ticket.anonymised ?? { at, reason },
  };
  delete next.attachments;
  return next;
}

/**
 * A message on an anonymised ticket: its body (whoever wrote it: an answer to the person
 * speaks of them), a customer author's name and address, files and the raw mail's key go.
 * Undefined when nothing is left to remove.
 */
export function anonymiseMessage(message: TicketMessage): TicketMessage | undefined {
  const customer = message.author.kind === 'customer';
  const personal =
    message.body !== ERASED ||
    (customer && (message.author.name !== ERASED || message.author.email !== undefined)) ||
    (message.attachments?.length ?? 0) > 0 ||
    message.rawMailKey !== undefined;
  if (!personal) return undefined;
  const next: TicketMessage = {
    ...message,
    body: ERASED,
    author: customer ? { kind: 'customer', name: ERASED } : message.author,
  };
  delete next.attachments;
  delete next.rawMailKey;
  return next;
}

/**
 * A billing record without the person: the customer (id and name of a company), dates,
 * service, minutes and amounts stay; the description goes, and a requester billed without
 * a customer record is billed as "[erased]". Undefined when nothing is left to remove.
 */
export function anonymiseWorkEntry(
  entry: WorkEntry,
  /**
   * Also the agent who did the work: once the legal retention period of billing records
   * is over, nothing of a person stays. @default false
   */
  withAgent = false,
): WorkEntry | undefined {
  const personName = entry.customer.id === null && entry.customer.name !== ERASED;
  const agent = withAgent && entry.agent !== ERASED;
  if (entry.description === ERASED && !personName && !agent) return undefined;
  return {
    ...entry,
    description: ERASED,
    customer: personName ? { id: null, name: ERASED } : entry.customer,
    agent: withAgent ? ERASED : entry.agent,
  };
}

/**
 * The last billing month (`YYYY-MM`) whose records are past their legal retention on
 * `now`: records are kept `years` full calendar years after the year they were made in.
 */
export function billingCutoffMonth(now: Date, years: number): string {
  return `${now.getUTCFullYear() - years - 1}-12`;
}

/** The month `YYYY-MM` `months` calendar months before `month`. */
export function monthsBefore(month: string, months: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (m - 1) - months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Object keys of files a ticket and its messages hold in the mail bucket. */
export function fileKeysOf(ticket: Ticket, messages: readonly TicketMessage[]): string[] {
  const keys = [
    ...(ticket.attachments ?? []),
    ...messages.flatMap((message) => message.attachments ?? []),
  ]
    .map((attachment) => attachment.key)
    .filter((key): key is string => typeof key === 'string');
  return [...new Set(keys)];
}

/**
 * The instant before which a closed ticket's last change makes it due for anonymisation:
 * `months` calendar months before `now` (UTC).
 */
export function retentionCutoff(now: Date, months: number): string {
  const cutoff = new Date(now.getTime());
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  return cutoff.toISOString();
}

/** The months `YYYY-MM` from `first` to `last`, both included, oldest first. */
export function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  let [year, month] = first.split('-').map(Number) as [number, number];
  for (;;) {
    const label = `${year}-${String(month).padStart(2, '0')}`;
    if (label > last) return months;
    months.push(label);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}

/**
 * What is kept of an address where the address itself is not needed, only recognised
 * again (confirm codes, acknowledgement limits): its SHA-256. No erasure has to find it,
 * and no byte of the address is stored.
 */
export function addressHash(email: string): string {
  return createHash('sha256').update(normalizeEmail(email), 'utf8').digest('base64url');
}
