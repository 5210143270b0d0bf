import { releaseTicket } from '../app/change-ticket';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { isAdmin, staffName } from '../shared/staff';
import { ticketIdPath } from './schemas';
import { agentView } from './views';

/** `POST /tickets/{ticketId}/release`: back to the queue at its original place. */
export const handler = httpHandler('release-ticket', { path: ticketIdPath }, async (request) => {
  const { ticketId } = request.path;
  const ticket = await releaseTicket(dependencies(), ticketId, staffName(request.principal), {
    admin: isAdmin(request.principal),
  });
  return { status: 200, body: agentView(ticket) };
});
