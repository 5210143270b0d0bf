import { attachmentLink } from '../app/ticket-attachments';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { validate } from '../shared/validation';
import { attachmentQuery, ticketIdPath } from './schemas';

/** `GET /tickets/{ticketId}/attachments?key=`: 303 to a link that works for 15 minutes. */
export const handler = httpHandler('get-attachment', async (request) => {
  const { ticketId } = validate(ticketIdPath, request.path, 'path');
  const { key } = validate(attachmentQuery, request.query, 'query');
  const url = await attachmentLink(
    dependencies(),
    ticketId,
    request.principal,
    request.headers['x-ticket-token'],
    key,
  );
  return { status: 303, headers: { location: url } };
});
