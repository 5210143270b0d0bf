import { readPortalTicket } from '../app/portal';
import { linkToAttachment } from '../app/ticket-attachments';
import { dependencies } from '../shared/dependencies';
import { withMailBucket } from '../shared/with-buckets';
import { httpHandler } from '../shared/http-handler';
import { portalPrincipal } from '../shared/portal-principal';
import { attachmentQuery, ticketIdPath } from './schemas';

/** `GET /portal/tickets/{ticketId}/attachments?key=[&format=json]`: 303 or `{url}`. */
export const handler = httpHandler(
  'portal-get-attachment',
  { path: ticketIdPath, query: attachmentQuery },
  async (request) => {
    const { ticketId } = request.path;
    const { key, format } = request.query;
    const deps = withMailBucket(dependencies());
    const ticket = await readPortalTicket(deps, portalPrincipal(request.principal), ticketId);
    const url = await linkToAttachment(deps, { kind: 'customer', ticket }, key);
    if (format === 'json') return { status: 200, body: { url } };
    return { status: 303, headers: { location: url } };
  },
);
