import { queueInfoOf } from '../app/queue-standing';
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
  const deps = dependencies();
  const read = await readTicketWithHistory(
    deps,
    ticketId,
    request.principal,
    request.headers['x-ticket-token'],
  );
  // Read after the ticket, so the position belongs to the state shown.
  const queue = await queueInfoOf(deps, read.ticket);
  return {
    status: 200,
    body:
      read.kind === 'agent'
        ? agentView(read.ticket, read, queue)
        : customerView(read.ticket, read.messages, queue),
  };
});
