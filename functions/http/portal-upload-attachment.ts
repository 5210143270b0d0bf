import { readPortalTicket } from '../app/portal';
import { storeAttachment } from '../app/ticket-attachments';
import { dependencies } from '../shared/dependencies';
import { withMailBucket } from '../shared/with-buckets';
import { httpHandler } from '../shared/http-handler';
import { portalPrincipal } from '../shared/portal-principal';
import { validate } from '../shared/validation';
import { attachmentUpload, ticketIdPath } from './schemas';

/** `POST /portal/tickets/{ticketId}/attachments {filename, contentType?, contentBase64}`. */
export const handler = httpHandler('portal-upload-attachment', async (request) => {
  const { ticketId } = validate(ticketIdPath, request.path, 'path');
  const file = validate(attachmentUpload, request.body ?? {}, 'body');
  const deps = withMailBucket(dependencies());
  const ticket = await readPortalTicket(deps, portalPrincipal(request.principal), ticketId);
  const attachment = await storeAttachment(deps, ticket, {
    filename: file.filename,
    contentType: file.contentType,
    content: Buffer.from(file.contentBase64, 'base64'),
  });
  return { status: 201, body: attachment };
});
