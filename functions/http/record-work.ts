import { recordWork } from '../app/record-work';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { staffName } from '../shared/staff';
import { idempotencyKeyHeader, ticketIdPath, workBody } from './schemas';

/** `POST /tickets/{ticketId}/work`: log work; answers what of it is covered and billed. */
export const handler = httpHandler(
  'record-work',
  { path: ticketIdPath, body: workBody, idempotencyKey: idempotencyKeyHeader },
  async (request) => {
    const { ticketId } = request.path;
    const input = request.body;
    const { entry, created } = await recordWork(
      dependencies(),
      ticketId,
      staffName(request.principal),
      input,
      request.idempotencyKey,
    );
    return {
      status: created ? 201 : 200,
      body: entry,
    };
  },
);
