import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { customerListQuery } from './schemas';

/** `GET /customers?limit=&cursor=`: all customers by name (admins). */
export const handler = httpHandler(
  'list-customers',
  { query: customerListQuery },
  async (request) => {
    const { limit, cursor } = request.query;
    const page = await dependencies().customers.list(limit, cursor);
    return { status: 200, body: { items: page.items, nextCursor: page.nextCursor ?? null } };
  },
);
