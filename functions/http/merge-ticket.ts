import { mergeTicket } from '../app/merge-tickets';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { isAdmin, staffName } from '../shared/staff';
import { mergeBody, ticketIdPath } from './schemas';
import { agentView } from './views';

/** `POST /tickets/{ticketId}/merge`: the ticket (a duplicate) is merged into another. */
export const handler = httpHandler(
  'merge-ticket',
  { path: ticketIdPath, body: mergeBody },
  async (request) => {
    const { ticketId } = request.path;
    const { intoTicketId } = request.body;
    const { source, target } = await mergeTicket(
      dependencies(),
      ticketId,
      intoTicketId,
      staffName(request.principal),
      { admin: isAdmin(request.principal) },
    );
    return { status: 200, body: { source: agentView(source), target: agentView(target) } };
  },
);
