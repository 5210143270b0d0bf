import { listQueue } from '../app/list-queue';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { queueQuery } from './schemas';
import { queueItem } from './views';

/** `GET /queue?limit=&cursor=`: one page of the queue in priority order. */
export const handler = httpHandler('list-queue', { query: queueQuery }, async (request) => {
  const { limit, cursor } = request.query;
  const page = await listQueue(dependencies(), limit, cursor);
  return {
    status: 200,
    body: {
      items: page.items.map((ticket) => queueItem(ticket)),
      nextCursor: page.nextCursor ?? null,
    },
  };
});
