import { mergeTicket } from '../app/merge-tickets';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { isAdmin, staffName } from '../shared/staff';
import { validate } from '../shared/validation';
import { mergeBody, ticketIdPath } from './schemas';
import { agentView } from './views';

/** `POST /tickets/{ticketId}/merge`: the ticket (a duplicate) is merged into another. */
export const handler = httpHandler('merge-ticket', async (request) => {
  const { ticketId } = validate(ticketIdPath, request.path, 'path');
  const { intoTicketId } = validate(mergeBody, request.body, 'body');
  const { source, target } = await mergeTicket(
    dependencies(),
    ticketId,
    intoTicketId,
    staffName(request.principal),
    { admin: isAdmin(request.principal) },
  );
  return { status: 200, body: { source: agentView(source), target: agentView(target) } };
});
