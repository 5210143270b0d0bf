import { readTicketHistory } from '../app/ticket-history';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { queueQuery, ticketIdPath } from './schemas';

/** `GET /tickets/{ticketId}/history?limit=&cursor=` (agents): every change, oldest first. */
export const handler = httpHandler(
  'get-ticket-history',
  { path: ticketIdPath, query: queueQuery },
  async (request) => {
    const { ticketId } = request.path;
    const { limit, cursor } = request.query;
    const page = await readTicketHistory(dependencies(), ticketId, limit, cursor);
    return { status: 200, body: { items: page.items, nextCursor: page.nextCursor ?? null } };
  },
);
