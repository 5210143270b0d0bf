import type { SentMail } from '../app/mail-ports';
import type { StoredTicket } from '../app/ports';
import type { QueueInfo } from '../app/queue-standing';
import type { TicketMessage } from '../domain/message';
import type { Ticket } from '../domain/ticket';
import type { WorkEntry } from '../domain/work-entry';

/** What the customer sees of their ticket: no internal fields, no internal notes. */
export function customerView(ticket: Ticket, messages: TicketMessage[] = [], queue?: QueueInfo) {
  return {
    ticketId: ticket.ticketId,
    status: ticket.status,
    group: ticket.group,
    severity: ticket.severity,
    receivedAt: ticket.receivedAt,
    updatedAt: ticket.updatedAt,
    subject: ticket.subject,
    description: ticket.description,
    channel: ticket.channel,
    locale: ticket.locale,
    attachments: ticket.attachments ?? [],
    messages: messages.filter((m) => !m.internal).map(messageView),
    ...(queue ? { queue } : {}),
  };
}

/** Everything an agent may see (never the access token, nor its hash). */
export function agentView(
  ticket: StoredTicket,
  history?: { messages: TicketMessage[]; mails: SentMail[]; workEntries: WorkEntry[] },
  queue?: QueueInfo,
) {
  const { accessTokenHash: _hash, pendingAcknowledgement: _pending, ...rest } = ticket;
  return {
    ...rest,
    customer: customerOf(ticket),
    ...(queue ? { queue } : {}),
    requesterVerified: ticket.requesterVerified === true,
    requesterVerifiedBy: ticket.requesterVerifiedBy ?? null,
    relatedTicketId: ticket.relatedTicketId ?? null,
    ...(history
      ? {
          messages: history.messages.map(messageView),
          workEntries: history.workEntries,
          mails: history.mails.map((mail) => ({
            kind: mail.kind,
            to: mail.to,
            subject: mail.subject,
            sentAt: mail.sentAt,
            messageId: mail.providerMessageId,
            ownMessageId: mail.ownMessageId,
            inReplyTo: mail.inReplyTo ?? null,
            references: mail.references ?? [],
          })),
        }
      : {}),
  };
}

export function messageView(message: TicketMessage) {
  return {
    messageId: message.messageId,
    author: message.author,
    body: message.body,
    internal: message.internal,
    channel: message.channel,
    createdAt: message.createdAt,
    attachments: message.attachments ?? [],
    ...(message.unverified ? { unverified: true as const } : {}),
  };
}

/** One line of the queue. */
export function queueItem(ticket: Ticket) {
  return {
    ticketId: ticket.ticketId,
    group: ticket.group,
    severity: ticket.severity,
    receivedAt: ticket.receivedAt,
    subject: ticket.subject,
    customer: customerOf(ticket),
    requester: { name: ticket.requester.name, email: ticket.requester.email ?? null },
    /** Whether the requester's address is proven theirs (SPEC §14); the group follows it anyway. */
    requesterVerified: ticket.requesterVerified === true,
  };
}

/** One of an agent's tickets in hand: the queue entry plus where it stands. */
export function heldItem(ticket: Ticket) {
  return { ...queueItem(ticket), status: ticket.status, updatedAt: ticket.updatedAt };
}

/** Senders no customer is known for show as a customer without id. */
function customerOf(ticket: Ticket): { id: string | null; name: string } {
  return ticket.customer ?? { id: null, name: ticket.requester.name };
}
