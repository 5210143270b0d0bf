import { listServiceLevelPlans } from '../app/manage-service-levels';
import { DEFAULT_PLAN_ID } from '../domain/service-levels/plan';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';

/** `GET /service-levels`: every plan, and which one contracts without a plan get. */
export const handler = httpHandler('list-service-levels', async () => ({
  status: 200,
  body: { defaultPlanId: DEFAULT_PLAN_ID, items: await listServiceLevelPlans(dependencies()) },
}));
