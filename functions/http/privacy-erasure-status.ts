import { NotFoundError } from '../domain/errors';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { erasureIdPath } from './schemas';

/** `GET /privacy/erasures/{erasureId}` (admins): how far an erasure got (no address in it). */
export const handler = httpHandler(
  'privacy-erasure-status',
  { path: erasureIdPath },
  async (request) => {
    const { erasureId } = request.path;
    const job = await dependencies().erasureJobs.get(erasureId);
    if (!job) throw new NotFoundError('No erasure with this id (they are kept 90 days).');
    return { status: 200, body: job };
  },
);
