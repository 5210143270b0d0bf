import { uploadAttachment } from '../app/ticket-attachments';
import { dependencies } from '../shared/dependencies';
import { withMailBucket } from '../shared/with-buckets';
import { httpHandler } from '../shared/http-handler';
import { attachmentUpload, ticketIdPath } from './schemas';

/** `POST /tickets/{ticketId}/attachments`: `{filename, contentType?, contentBase64}` → 201. */
export const handler = httpHandler(
  'upload-attachment',
  { path: ticketIdPath, body: attachmentUpload },
  async (request) => {
    const { ticketId } = request.path;
    const file = request.body;
    const attachment = await uploadAttachment(
      withMailBucket(dependencies()),
      ticketId,
      request.principal,
      request.headers['x-ticket-token'],
      {
        filename: file.filename,
        contentType: file.contentType,
        content: Buffer.from(file.contentBase64, 'base64'),
      },
    );
    return { status: 201, body: attachment };
  },
);
