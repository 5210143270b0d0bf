import { endPortalSession } from '../app/portal';
import { bearerOf } from '../shared/bearer-token';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';

/** `DELETE /portal/session`: signs out; the session token is useless from now on. */
export const handler = httpHandler('portal-end-session', async (request) => {
  const token = bearerOf(request.headers.authorization);
  if (token !== undefined) await endPortalSession(dependencies(), token);
  return { status: 204 };
});
