import { readPortalTicketWithMessages } from '../app/portal';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { portalPrincipal } from '../shared/portal-principal';
import { validate } from '../shared/validation';
import { ticketIdPath } from './schemas';
import { portalTicketView } from './views';

/** `GET /portal/tickets/{ticketId}`: 404 for any ticket the person may not see. */
export const handler = httpHandler('portal-get-ticket', async (request) => {
  const { ticketId } = validate(ticketIdPath, request.path, 'path');
  const { ticket, messages } = await readPortalTicketWithMessages(
    dependencies(),
    portalPrincipal(request.principal),
    ticketId,
  );
  return { status: 200, body: portalTicketView(ticket, messages) };
});
