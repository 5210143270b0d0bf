import { replacePriceList } from '../app/manage-price-list';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { priceListBody } from './schemas';

/** `PUT /price-list`: a new version of the price list (admins). */
export const handler = httpHandler('put-price-list', { body: priceListBody }, async (request) => {
  const body = request.body;
  const priceList = await replacePriceList(dependencies(), body.services, body.basedOnVersion);
  return { status: 200, body: priceList };
});
