import { readPortalContract } from '../app/portal';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { portalPrincipal } from '../shared/portal-principal';

/** `GET /portal/contract`: contract, this month's included minutes, the last 12 months. */
export const handler = httpHandler('portal-contract', async (request) => {
  const view = await readPortalContract(dependencies(), portalPrincipal(request.principal));
  const { contract } = view;
  return {
    status: 200,
    body: {
      ...view,
      // Only what customers are meant to see of the contract record.
      contract: contract
        ? {
            id: contract.id,
            validFrom: contract.validFrom,
            ...(contract.validTo ? { validTo: contract.validTo } : {}),
            includedMinutesPerMonth: contract.includedMinutesPerMonth,
            coveredServiceCodes: contract.coveredServiceCodes,
          }
        : null,
    },
  };
});
