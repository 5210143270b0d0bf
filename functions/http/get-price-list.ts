import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';

/** `GET /price-list`: the price list in force. */
export const handler = httpHandler('get-price-list', async () => ({
  status: 200,
  body: await dependencies().priceLists.current(),
}));
