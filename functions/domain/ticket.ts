import type { AttachmentRef } from './mail/inbound-mail';
import type { SlaClock } from './service-levels/sla-clock';

/** The words of the service desk: groups, severities, statuses, and the ticket itself. */

/** Service group, decided at receipt from the customer's contract on that day. */
export const GROUPS = ['contract', 'standard'] as const;
export type Group = (typeof GROUPS)[number];

/** Severities, most urgent first. */
export const SEVERITIES = ['critical', 'high', 'normal', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const TICKET_STATUSES = [
  'open',
  'in_progress',
  'waiting_customer',
  'resolved',
  'closed',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const CHANNELS = ['web', 'email', 'phone'] as const;
export type Channel = (typeof CHANNELS)[number];

export const LOCALES = ['de', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * How a requester's address was proven theirs (SPEC §14): a mail whose DMARC (or aligned
 * SPF and DKIM) passed, the confirm link of the acknowledgement, or a portal session.
 */
export const VERIFICATION_METHODS = ['mail', 'confirm-link', 'portal'] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];

/** Who asked: the person behind the ticket, as they told us. */
export interface Requester {
  name: string;
  /** Absent only for callers on the phone we know no address for: they get no mail. */
  email?: string;
  phone?: string;
}

/** A support ticket as the domain sees it (no storage keys). */
export interface Ticket {
  ticketId: string;
  status: TicketStatus;
  group: Group;
  severity: Severity;
  /** ISO-8601 UTC with milliseconds; never changes, so a released ticket keeps its place. */
  receivedAt: string;
  subject: string;
  description: string;
  channel: Channel;
  locale: Locale;
  requester: Requester;
  /** The customer the sender was matched to, if any. */
  customer?: { id: string; name: string };
  /** The agent holding the ticket while it is `in_progress` or `waiting_customer`. */
  assignee?: string;
  /**
   * The last time an agent took this ticket while another waited before it in the queue
   * (`PATCH {status: in_progress}` on a ticket other than the first): who and when. Kept
   * after a release, so agents can see it happened (SPEC §14).
   */
  takenOutOfOrder?: { by: string; at: string };
  updatedAt: string;
  /** Increases with every change; used for optimistic locking. */
  version: number;
  /** Files that came with the ticket (mail attachments), stored or refused. */
  attachments?: AttachmentRef[];
  /** The SLA clock, while the ticket is in the contract group (SPEC §9). */
  sla?: SlaClock;
  /**
   * When an agent first took the ticket or answered it: the end of its waiting time, which
   * reports compare between the groups.
   */
  firstAttendedAt?: string;
  /**
   * Whether the requester's address is proven theirs; absent (older tickets) reads as
   * false. Anyone can type any address into the form or a mail's `From`.
   */
  requesterVerified?: boolean;
  /** How it was proven, when it is. */
  requesterVerifiedBy?: VerificationMethod;
  /** The ticket this one was opened about: a mail naming it came from someone else. */
  relatedTicketId?: string;
  /**
   * The requester's personal data was erased (SPEC §13): on request (`erasure`) or when
   * the closed ticket's retention ran out (`retention`).
   */
  anonymised?: { at: string; reason: 'erasure' | 'retention' };
  /**
   * An agent merged this ticket into another (a duplicate): it is `closed`, and replies to
   * it go to `ticketId` (SPEC §13, `functions/domain/merge.ts`).
   */
  mergedInto?: { ticketId: string; at: string; by: string };
  /**
   * Erasures of someone other than the requester who wrote on this ticket (their messages
   * were anonymised, the ticket itself not): how many ran, so each leaves its record.
   */
  authorErasures?: number;
}

/** A ticket waits in the queue exactly while it is open. */
export function isWaiting(status: TicketStatus): boolean {
  return status === 'open';
}

/** Statuses in which an agent holds a ticket: their work in hand ("my tickets"). */
export function isHeld(status: TicketStatus): boolean {
  return status === 'in_progress' || status === 'waiting_customer';
}
