import { recordWork } from '../app/record-work';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { staffName } from '../shared/staff';
import { validate } from '../shared/validation';
import { idempotencyKeyHeader, ticketIdPath, workBody } from './schemas';

/** `POST /tickets/{ticketId}/work`: log work; answers what of it is covered and billed. */
export const handler = httpHandler('record-work', async (request) => {
  const { ticketId } = validate(ticketIdPath, request.path, 'path');
  const input = validate(workBody, request.body ?? {}, 'body');
  const key = request.headers['idempotency-key'];
  const { entry, created } = await recordWork(
    dependencies(),
    ticketId,
    staffName(request.principal),
    input,
    key === undefined ? undefined : validate(idempotencyKeyHeader, key, 'header'),
  );
  return {
    status: created ? 201 : 200,
    body: entry,
  };
});
