import { listHeldTickets } from '../app/list-held-tickets';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { staffName } from '../shared/staff';
import { heldTicketsQuery } from './schemas';
import { heldItem } from './views';

/** `GET /tickets?assignee=me&limit=&cursor=`: the caller's tickets in hand. */
export const handler = httpHandler('list-tickets', { query: heldTicketsQuery }, async (request) => {
  const { limit, cursor } = request.query;
  const page = await listHeldTickets(dependencies(), staffName(request.principal), limit, cursor);
  return {
    status: 200,
    body: {
      items: page.items.map((ticket) => heldItem(ticket)),
      nextCursor: page.nextCursor ?? null,
    },
  };
});
