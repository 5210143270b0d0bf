import { readTicket } from '../app/read-ticket';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { validate } from '../shared/validation';
import { ticketIdPath } from './schemas';
import { agentView, customerView } from './views';

/** `GET /tickets/{ticketId}`: the customer's view with `X-Ticket-Token`, or the agent's. */
export const handler = httpHandler('get-ticket', async (request) => {
  const { ticketId } = validate(ticketIdPath, request.path, 'path');
  const read = await readTicket(
    dependencies(),
    ticketId,
    request.principal,
    request.headers['x-ticket-token'],
  );
  return {
    status: 200,
    body: read.kind === 'agent' ? agentView(read.ticket) : customerView(read.ticket),
  };
});
