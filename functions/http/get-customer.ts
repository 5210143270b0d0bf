import { getCustomer } from '../app/manage-customers';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { customerIdPath } from './schemas';

/** `GET /customers/{customerId}`. */
export const handler = httpHandler('get-customer', { path: customerIdPath }, async (request) => {
  const { customerId } = request.path;
  return { status: 200, body: await getCustomer(dependencies(), customerId) };
});
