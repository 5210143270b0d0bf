import { replaceReferenceContract } from '../app/sales-reports';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { referenceContractBody } from './schemas';

/** `PUT /reports/reference-contract` (admins): replaces the reference contract. */
export const handler = httpHandler(
  'put-reference-contract',
  { body: referenceContractBody },
  async (request) => {
    const body = request.body;
    return { status: 200, body: await replaceReferenceContract(dependencies(), body) };
  },
);
