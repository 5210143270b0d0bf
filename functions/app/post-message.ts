import { ConflictError, ForbiddenError, ValidationError } from '../domain/errors';
import { outboxEvents } from '../domain/mail/outbox-event';
import type { TicketMessage } from '../domain/message';
import { isHeld } from '../domain/ticket';
import { isAgent, type Principal } from '../domain/principal';
import { reopenOnCustomerReply } from './change-ticket';
import type { StoredTicket, TicketDeps } from './ports';
import { readTicket } from './read-ticket';

export interface NewMessage {
  body: string;
  internal: boolean;
}

/**
 * Adds a message to a ticket's conversation. An agent's public message is mailed to the
 * customer (through the outbox); a customer's message brings a resolved ticket back to the
 * queue at its original place, and a ticket waiting for the customer back to its agent.
 */
export async function postMessage(
  deps: Pick<TicketDeps, 'tickets' | 'messages' | 'outbox' | 'clock' | 'newId'>,
  ticketId: string,
  principal: Principal,
  accessToken: string | undefined,
  input: NewMessage,
): Promise<{ message: TicketMessage; ticket: StoredTicket }> {
  const { kind, ticket } = await readTicket(deps, ticketId, principal, accessToken);
  if (kind === 'customer' && input.internal) {
    throw new ValidationError('Customers cannot write internal notes.', [
      { field: 'body.internal', message: 'only agents may write internal notes' },
    ]);
  }
  if (ticket.status === 'closed' && !input.internal) {
    throw new ConflictError(`Ticket ${ticketId} is closed; please submit a new ticket.`);
  }
  // A held ticket speaks to its customer through the agent who holds it (or an admin);
  // colleagues help with internal notes (SPEC §14).
  if (
    kind === 'agent' &&
    !input.internal &&
    principal.kind === 'staff' &&
    isHeld(ticket.status) &&
    ticket.assignee !== principal.sub &&
    !principal.groups.includes('admins')
  ) {
    throw new ForbiddenError(
      `Ticket ${ticketId} is held by another agent; only they or an admin reply to the ` +
        'customer. Add an internal note instead.',
    );
  }
  const message: TicketMessage = {
    messageId: deps.newId(),
    ticketId,
    author:
      kind === 'agent' && isAgent(principal)
        ? { kind: 'agent', name: principal.sub }
        : {
            kind: 'customer',
            name: ticket.requester.name,
            ...(ticket.requester.email ? { email: ticket.requester.email } : {}),
          },
    body: input.body,
    internal: input.internal,
    channel: 'web',
    createdAt: deps.clock.now().toISOString(),
  };
  await deps.messages.add(message);
  if (kind === 'agent') {
    if (!input.internal)
      await deps.outbox.publish(outboxEvents.agentReply(ticketId, message.messageId));
    return { message, ticket };
  }
  return { message, ticket: await reopenOnCustomerReply(deps, ticketId) };
}
