import { queueInfoOf } from '../app/queue-standing';
import { readTicketWithHistory } from '../app/read-ticket';
import { slaRemaining } from '../app/manage-service-levels';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { ticketIdPath } from './schemas';
import { agentView, customerView } from './views';

/**
 * `GET /tickets/{ticketId}`: the customer's view (public conversation) with
 * `X-Ticket-Token`, or the agent's full view with internal notes and sent mails.
 */
export const handler = httpHandler('get-ticket', { path: ticketIdPath }, async (request) => {
  const { ticketId } = request.path;
  const deps = dependencies();
  const read = await readTicketWithHistory(
    deps,
    ticketId,
    request.principal,
    request.headers['x-ticket-token'],
  );
  const now = deps.clock.now();
  if (read.kind !== 'agent') {
    // Read after the ticket, so the position belongs to the state shown.
    const queue = await queueInfoOf(deps, read.ticket);
    return { status: 200, body: customerView(read.ticket, read.messages, now, queue) };
  }
  const [remaining, queue] = await Promise.all([
    slaRemaining(deps, read.ticket, now),
    queueInfoOf(deps, read.ticket),
  ]);
  return { status: 200, body: agentView(read.ticket, read, now, remaining, queue) };
});
