import { readPortalTicketWithMessages } from '../app/portal';
import { queueInfoOf } from '../app/queue-standing';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { portalPrincipal } from '../shared/portal-principal';
import { ticketIdPath } from './schemas';
import { portalTicketView } from './views';

/** `GET /portal/tickets/{ticketId}`: 404 for any ticket the person may not see. */
export const handler = httpHandler('portal-get-ticket', { path: ticketIdPath }, async (request) => {
  const { ticketId } = request.path;
  const deps = dependencies();
  const { ticket, messages } = await readPortalTicketWithMessages(
    deps,
    portalPrincipal(request.principal),
    ticketId,
  );
  // Read after the ticket, so the position belongs to the state shown.
  const queue = await queueInfoOf(deps, ticket);
  return { status: 200, body: portalTicketView(ticket, messages, deps.clock.now(), queue) };
});
