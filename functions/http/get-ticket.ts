import { readTicketWithHistory } from '../app/read-ticket';
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
  return {
    status: 200,
    body:
      read.kind === 'agent'
        ? agentView(read.ticket, read)
        : customerView(read.ticket, read.messages),
  };
});
