import { getCustomer } from '../app/manage-customers';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { validate } from '../shared/validation';
import { customerIdPath } from './schemas';

/** `GET /customers/{customerId}`. */
export const handler = httpHandler('get-customer', async (request) => {
  const { customerId } = validate(customerIdPath, request.path, 'path');
  return { status: 200, body: await getCustomer(dependencies(), customerId) };
});
