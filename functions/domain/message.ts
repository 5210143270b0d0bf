import type { AttachmentRef } from './mail/inbound-mail';
import type { Channel } from './ticket';

/** One entry of a ticket's conversation. */
export interface TicketMessage {
  messageId: string;
  ticketId: string;
  author: { kind: 'customer' | 'agent'; name: string; email?: string };
  body: string;
  /** Internal notes are for agents only: never mailed, never shown to the customer. */
  internal: boolean;
  channel: Channel;
  createdAt: string;
  attachments?: AttachmentRef[];
  /**
   * A mail that named the ticket from a sender who may not write into it (SPEC §14): kept
   * as an internal note so agents see it, never shown to the customer.
   */
  unverified?: boolean;
  /** The raw mail a message came in, by its key in the mail bucket (for erasure). */
  rawMailKey?: string;
  /**
   * The internal note a merge leaves on the ticket merged into: the ticket merged, by id.
   * The note carries that ticket's `merge` history record (one change, one record).
   */
  mergedFrom?: string;
}
