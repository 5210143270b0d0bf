import { replaceReferenceContract } from '../app/sales-reports';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { validate } from '../shared/validation';
import { referenceContractBody } from './schemas';

/** `PUT /reports/reference-contract` (admins): replaces the reference contract. */
export const handler = httpHandler('put-reference-contract', async (request) => {
  const body = validate(referenceContractBody, request.body ?? {}, 'body');
  return { status: 200, body: await replaceReferenceContract(dependencies(), body) };
});
