import { portalAuthor, readPortalTicket } from '../app/portal';
import { appendMessage } from '../app/post-message';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { portalPrincipal } from '../shared/portal-principal';
import { portalMessage, ticketIdPath } from './schemas';
import { messageView } from './views';

/**
 * `POST /portal/tickets/{ticketId}/messages {body}`: a reply as the signed-in person (who
 * may be a colleague of the requester); it reopens a resolved ticket like any customer reply.
 */
export const handler = httpHandler(
  'portal-post-message',
  { path: ticketIdPath, body: portalMessage },
  async (request) => {
    const { ticketId } = request.path;
    const { body } = request.body;
    const deps = dependencies();
    const principal = portalPrincipal(request.principal);
    const ticket = await readPortalTicket(deps, principal, ticketId);
    const { message, ticket: after } = await appendMessage(
      deps,
      { kind: 'customer', ticket },
      { body, internal: false },
      undefined,
      await portalAuthor(deps, principal, ticket),
    );
    return { status: 201, body: { ...messageView(message), ticketStatus: after.status } };
  },
);
