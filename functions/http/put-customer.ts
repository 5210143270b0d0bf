import { putCustomer } from '../app/manage-customers';
import type { Customer } from '../domain/customer';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { customerBody, customerIdPath } from './schemas';

/** `PUT /customers/{customerId}`: create (201) or replace (200); moves waiting tickets. */
export const handler = httpHandler(
  'put-customer',
  { path: customerIdPath, body: customerBody },
  async (request) => {
    const { customerId } = request.path;
    const body = request.body;
    const customer: Customer = {
      customerId,
      name: body.name,
      domains: [...new Set(body.domains)],
      contacts: uniqueByEmail(body.contacts),
      ...(body.contract ? { contract: body.contract } : {}),
    };
    const result = await putCustomer(dependencies(), customer);
    return {
      status: result.created ? 201 : 200,
      headers: { location: `/customers/${customerId}` },
      body: { ...result.customer, regroupedTickets: result.regrouped },
    };
  },
);

function uniqueByEmail<T extends { email: string }>(contacts: T[]): T[] {
  return [...new Map(contacts.map((c) => [c.email, c])).values()];
}
