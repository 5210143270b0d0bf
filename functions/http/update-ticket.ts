import { updateTicket } from '../app/change-ticket';
import { dependencies } from '../shared/dependencies';
import { withOutbox } from '../shared/with-outbox';
import { httpHandler } from '../shared/http-handler';
import { isAdmin, staffName } from '../shared/staff';
import { ticketChange, ticketIdPath } from './schemas';
import { agentView } from './views';

/**
 * `PATCH /tickets/{ticketId}`: severity (re-keys the queue entry) and status (409 if
 * invalid); a held ticket only by its agent or an admin (403).
 */
export const handler = httpHandler(
  'update-ticket',
  { path: ticketIdPath, body: ticketChange },
  async (request) => {
    const { ticketId } = request.path;
    const change = request.body;
    const ticket = await updateTicket(
      withOutbox(dependencies()),
      ticketId,
      staffName(request.principal),
      change,
      { admin: isAdmin(request.principal) },
    );
    return { status: 200, body: agentView(ticket) };
  },
);
