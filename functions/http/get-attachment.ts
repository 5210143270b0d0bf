import { attachmentLink } from '../app/ticket-attachments';
import { dependencies } from '../shared/dependencies';
import { withMailBucket } from '../shared/with-buckets';
import { httpHandler } from '../shared/http-handler';
import { attachmentQuery, ticketIdPath } from './schemas';

/**
 * `GET /tickets/{ticketId}/attachments?key=[&format=json]`: 303 to a link that works for 15
 * minutes, or `{url}` for a page to navigate to (it sends the token as a header).
 */
export const handler = httpHandler(
  'get-attachment',
  { path: ticketIdPath, query: attachmentQuery },
  async (request) => {
    const { ticketId } = request.path;
    const { key, format } = request.query;
    const url = await attachmentLink(
      withMailBucket(dependencies()),
      ticketId,
      request.principal,
      request.headers['x-ticket-token'],
      key,
    );
    if (format === 'json') return { status: 200, body: { url } };
    return { status: 303, headers: { location: url } };
  },
);
