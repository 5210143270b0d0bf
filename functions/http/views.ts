import type { StoredTicket } from '../app/ports';
import type { Ticket } from '../domain/ticket';

/** What the customer sees of their ticket: no internal fields, no agent names. */
export function customerView(ticket: Ticket) {
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
  };
}

/** Everything an agent may see (never the access token's hash). */
export function agentView(ticket: StoredTicket) {
  const { accessTokenHash: _hash, ...rest } = ticket;
  return { ...rest, customer: customerOf(ticket) };
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
    requester: { name: ticket.requester.name, email: ticket.requester.email },
  };
}

/** Senders no customer is known for show as a customer without id. */
function customerOf(ticket: Ticket): { id: string | null; name: string } {
  return ticket.customer ?? { id: null, name: ticket.requester.name };
}
