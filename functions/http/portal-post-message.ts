import { portalAuthor, readPortalTicket } from '../app/portal';
import { appendMessage } from '../app/post-message';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { portalPrincipal } from '../shared/portal-principal';
import { validate } from '../shared/validation';
import { portalMessage, ticketIdPath } from './schemas';
import { messageView } from './views';

/**
 * `POST /portal/tickets/{ticketId}/messages {body}`: a reply as the signed-in person (who
 * may be a colleague of the requester); it reopens a resolved ticket like any customer reply.
 */
export const handler = httpHandler('portal-post-message', async (request) => {
  const { ticketId } = validate(ticketIdPath, request.path, 'path');
  const { body } = validate(portalMessage, request.body ?? {}, 'body');
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
  return {
    status: 201,
    body: {
      ...messageView(message),
      ticketStatus: after.status,
      // Added to another ticket: this one was merged into it.
      ...(message.ticketId !== ticketId ? { addedTo: message.ticketId } : {}),
    },
  };
});
