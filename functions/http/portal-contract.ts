import { readPortalContract } from '../app/portal';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { portalPrincipal } from '../shared/portal-principal';

/**
 * `GET /portal/contract`: contract, its service-level plan and targets, this month's included
 * minutes, and the last 12 months' use and service-level results.
 */
export const handler = httpHandler('portal-contract', async (request) => {
  const view = await readPortalContract(dependencies(), portalPrincipal(request.principal));
  const { contract, plan } = view;
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
      // The plan as customers know it: hours, holidays, targets (not when an admin stored it).
      plan: plan
        ? {
            planId: plan.planId,
            name: plan.name,
            timeZone: plan.timeZone,
            region: plan.region,
            businessHours: plan.businessHours,
            ...(plan.closedDates ? { closedDates: plan.closedDates } : {}),
            targets: plan.targets,
          }
        : null,
    },
  };
});
