import { listPortalTickets } from '../app/portal';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { portalPrincipal } from '../shared/portal-principal';
import { portalTicketsQuery } from './schemas';
import { portalItem } from './views';

/** `GET /portal/tickets?status=open|closed|all&limit=&cursor=`: newest first. */
export const handler = httpHandler(
  'portal-list-tickets',
  { query: portalTicketsQuery },
  async (request) => {
    const query = request.query;
    const page = await listPortalTickets(dependencies(), portalPrincipal(request.principal), {
      status: query.status,
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return {
      status: 200,
      body: { items: page.items.map(portalItem), nextCursor: page.nextCursor ?? null },
    };
  },
);
