import { claimNextTicket } from '../app/claim-next-ticket';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { staffName } from '../shared/staff';
import { agentView } from './views';

/** `POST /queue/claim`: 200 with the claimed ticket, 204 when nothing waits. */
export const handler = httpHandler('claim-ticket', async (request) => {
  const ticket = await claimNextTicket(dependencies(), staffName(request.principal));
  return ticket ? { status: 200, body: agentView(ticket) } : { status: 204 };
});
