import { ConflictError, ForbiddenError, ValidationError } from '../domain/errors';
import { outboxEvents } from '../domain/mail/outbox-event';
import type { TicketMessage } from '../domain/message';
import { isHeld } from '../domain/ticket';
import { isAgent, type Principal } from '../domain/principal';
import { recordAgentAnswer, reopenOnCustomerReply } from './change-ticket';
import type { StoredTicket, TicketDeps } from './ports';
import { readTicket, type TicketReader } from './read-ticket';
import { mergeTarget } from './merge-tickets';
import { mayWriteIntoTarget } from '../domain/merge';

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
  deps: Pick<TicketDeps, 'tickets' | 'messages' | 'outbox' | 'clock' | 'newId' | 'serviceLevels'>,
  ticketId: string,
  principal: Principal,
  accessToken: string | undefined,
  input: NewMessage,
): Promise<{ message: TicketMessage; ticket: StoredTicket }> {
  const read = await readTicket(deps, ticketId, principal, accessToken);
  // A held ticket speaks to its customer through the agent who holds it (or an admin);
  // colleagues help with internal notes (SPEC §14).
  if (
    read.kind === 'agent' &&
    !input.internal &&
    principal.kind === 'staff' &&
    isHeld(read.ticket.status) &&
    read.ticket.assignee !== principal.sub &&
    !principal.groups.includes('admins')
  ) {
    throw new ForbiddenError(
      `Ticket ${ticketId} is held by another agent; only they or an admin reply to the ` +
        'customer. Add an internal note instead.',
    );
  }
  return appendMessage(deps, read, input, isAgent(principal) ? principal.sub : undefined);
}

/**
 * Adds a message to a ticket the caller was found allowed to write to (`readTicket`, or the
 * portal's own check). `customerAuthor` names a customer who is not the requester (a
 * colleague signed in to the portal); by default the requester writes.
 */
export async function appendMessage(
  // The outbox only for agents' replies: a customer's message is mailed to no one, so the
  // portal's function has no SQS client and no grant to send (functions/shared/with-outbox.ts).
  deps: Pick<TicketDeps, 'tickets' | 'messages' | 'clock' | 'newId' | 'serviceLevels'> &
    Partial<Pick<TicketDeps, 'outbox'>>,
  read: TicketReader,
  input: NewMessage,
  agentName?: string,
  customerAuthor?: { name: string; email: string },
): Promise<{ message: TicketMessage; ticket: StoredTicket }> {
  const { kind, ticket } = read;
  const ticketId = ticket.ticketId;
  const outbox = deps.outbox;
  if (kind === 'agent' && !input.internal && !outbox) {
    // Checked before anything is written: a reply stored but never mailed would be lost.
    throw new Error("An agent's reply is mailed through the outbox, which was not given.");
  }
  if (kind === 'customer' && input.internal) {
    throw new ValidationError('Customers cannot write internal notes.', [
      { field: 'body.internal', message: 'only agents may write internal notes' },
    ]);
  }
  const author: TicketMessage['author'] =
    kind === 'agent' && agentName !== undefined
      ? { kind: 'agent', name: agentName }
      : customerAuthor
        ? { kind: 'customer', ...customerAuthor }
        : {
            kind: 'customer',
            name: ticket.requester.name,
            ...(ticket.requester.email ? { email: ticket.requester.email } : {}),
          };
  if (kind === 'customer' && ticket.mergedInto) {
    return appendToMergeTarget(deps, ticket, input, author);
  }
  if (ticket.status === 'closed' && !input.internal) {
    throw new ConflictError(`Ticket ${ticketId} is closed; please submit a new ticket.`);
  }
  const message: TicketMessage = {
    messageId: deps.newId(),
    ticketId,
    author,
    body: input.body,
    internal: input.internal,
    channel: 'web',
    createdAt: deps.clock.now().toISOString(),
  };
  await deps.messages.add(message);
  if (kind === 'agent') {
    if (input.internal) return { message, ticket };
    // An internal note is no answer: only a message the customer gets meets the first response.
    const answered = await recordAgentAnswer(deps, ticketId, message.createdAt, agentName);
    await outbox?.publish(outboxEvents.agentReply(ticketId, message.messageId));
    return { message, ticket: answered };
  }
  return { message, ticket: await reopenOnCustomerReply(deps, ticketId) };
}

/**
 * A customer's reply to a merged ticket goes to the ticket it was merged into (SPEC §13):
 * as their message, reopening it like any reply, when they are its requester or of its
 * customer; from anyone else as an internal note marked unverified, so the target's
 * customer never sees a stranger's words (SPEC §14). The answer then names the merged
 * ticket, not the target's state.
 */
async function appendToMergeTarget(
  deps: Pick<TicketDeps, 'tickets' | 'messages' | 'clock' | 'newId' | 'serviceLevels'>,
  source: StoredTicket,
  input: NewMessage,
  author: TicketMessage['author'],
): Promise<{ message: TicketMessage; ticket: StoredTicket }> {
  const target = await mergeTarget(deps, source);
  if (!target) {
    throw new ConflictError(`Ticket ${source.ticketId} is closed; please submit a new ticket.`);
  }
  const allowed = mayWriteIntoTarget(
    {
      ...(author.email !== undefined ? { email: author.email } : {}),
      ...(source.customer ? { customerId: source.customer.id } : {}),
    },
    target,
  );
  if (allowed && target.status === 'closed') {
    throw new ConflictError(
      `Ticket ${source.ticketId} was merged into ${target.ticketId}, which is closed; please submit a new ticket.`,
    );
  }
  const message: TicketMessage = {
    messageId: deps.newId(),
    ticketId: target.ticketId,
    author,
    body: allowed
      ? input.body
      : `[Reply to ${source.ticketId}, which was merged into this ticket, from someone who is not one of this ticket's people]\n\n${input.body}`,
    internal: !allowed,
    ...(allowed ? {} : { unverified: true }),
    channel: 'web',
    createdAt: deps.clock.now().toISOString(),
  };
  await deps.messages.add(message);
  if (!allowed) return { message, ticket: source };
  return { message, ticket: await reopenOnCustomerReply(deps, target.ticketId) };
}
