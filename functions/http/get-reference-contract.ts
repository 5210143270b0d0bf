import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';

/** `GET /reports/reference-contract` (sales, admins): what the upsell report compares against. */
export const handler = httpHandler('get-reference-contract', async () => ({
  status: 200,
  body: await dependencies().referenceContracts.get(),
}));
