import { getServiceLevelPlan } from '../app/manage-service-levels';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { planIdPath } from './schemas';

/** `GET /service-levels/{planId}`: one plan, stored or shipped. */
export const handler = httpHandler('get-service-level', { path: planIdPath }, async (request) => {
  const { planId } = request.path;
  return { status: 200, body: await getServiceLevelPlan(dependencies(), planId) };
});
