import { readPortalTicket } from '../app/portal';
import { storeAttachment } from '../app/ticket-attachments';
import { dependencies } from '../shared/dependencies';
import { withMailBucket } from '../shared/with-buckets';
import { httpHandler } from '../shared/http-handler';
import { portalPrincipal } from '../shared/portal-principal';
import { attachmentUpload, ticketIdPath } from './schemas';

/** `POST /portal/tickets/{ticketId}/attachments {filename, contentType?, contentBase64}`. */
export const handler = httpHandler(
  'portal-upload-attachment',
  { path: ticketIdPath, body: attachmentUpload },
  async (request) => {
    const { ticketId } = request.path;
    const file = request.body;
    const deps = withMailBucket(dependencies());
    const ticket = await readPortalTicket(deps, portalPrincipal(request.principal), ticketId);
    const attachment = await storeAttachment(deps, ticket, {
      filename: file.filename,
      contentType: file.contentType,
      content: Buffer.from(file.contentBase64, 'base64'),
    });
    return { status: 201, body: attachment };
  },
);
