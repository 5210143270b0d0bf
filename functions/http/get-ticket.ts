import { readTicketWithHistory } from '../app/read-ticket';
import { slaRemaining } from '../app/manage-service-levels';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { validate } from '../shared/validation';
import { ticketIdPath } from './schemas';
import { agentView, customerView } from './views';

/**
 * `GET /tickets/{ticketId}`: the customer's view (public conversation) with
 * `X-Ticket-Token`, or the agent's full view with internal notes and sent mails.
 */
export const handler = httpHandler('get-ticket', async (request) => {
  const { ticketId } = validate(ticketIdPath, request.path, 'path');
  const read = await readTicketWithHistory(
    dependencies(),
    ticketId,
    request.principal,
    request.headers['x-ticket-token'],
  );
  const now = dependencies().clock.now();
  if (read.kind !== 'agent') {
    return { status: 200, body: customerView(read.ticket, read.messages, now) };
  }
  const remaining = await slaRemaining(dependencies(), read.ticket, now);
  return { status: 200, body: agentView(read.ticket, read, now, remaining) };
});
