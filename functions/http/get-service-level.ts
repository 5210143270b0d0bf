import { getServiceLevelPlan } from '../app/manage-service-levels';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { validate } from '../shared/validation';
import { planIdPath } from './schemas';

/** `GET /service-levels/{planId}`: one plan, stored or shipped. */
export const handler = httpHandler('get-service-level', async (request) => {
  const { planId } = validate(planIdPath, request.path, 'path');
  return { status: 200, body: await getServiceLevelPlan(dependencies(), planId) };
});
