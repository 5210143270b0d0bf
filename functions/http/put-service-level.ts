import { putServiceLevelPlan } from '../app/manage-service-levels';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { planIdPath, serviceLevelPlanBody } from './schemas';

/** `PUT /service-levels/{planId}`: create (201) or replace (200) a plan (admins). */
export const handler = httpHandler(
  'put-service-level',
  { path: planIdPath, body: serviceLevelPlanBody },
  async (request) => {
    const { planId } = request.path;
    const body = request.body;
    const result = await putServiceLevelPlan(dependencies(), { planId, ...body });
    return {
      status: result.created ? 201 : 200,
      headers: { location: `/service-levels/${planId}` },
      body: result.plan,
    };
  },
);
