import { claimNextTicket } from '../app/claim-next-ticket';
import { claimReasonOf } from '../app/queue-standing';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { staffName } from '../shared/staff';
import { agentView } from './views';

/** `POST /queue/claim`: 200 with the claimed ticket and why it was next, 204 when nothing waits. */
export const handler = httpHandler('claim-ticket', async (request) => {
  const deps = dependencies();
  const ticket = await claimNextTicket(deps, staffName(request.principal));
  if (!ticket) return { status: 204 };
  return {
    status: 200,
    body: { ...agentView(ticket), claimReason: await claimReasonOf(deps, ticket) },
  };
});
