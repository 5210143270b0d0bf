import { recordPortalSignIn } from '../shared/portal-hooks';
import { startPortalSession } from '../app/portal';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { validate } from '../shared/validation';
import { portalSessionBody } from './schemas';

/** `POST /portal/session {code}` → `{sessionToken, expiresAt}`; a code works once. */
export const handler = httpHandler('portal-start-session', async (request) => {
  const { code } = validate(portalSessionBody, request.body ?? {}, 'body');
  const deps = dependencies();
  const { sessionToken, expiresAt } = await startPortalSession(
    { ...deps, addressProven: (email) => recordPortalSignIn(deps, email) },
    code,
  );
  return { status: 201, body: { sessionToken, expiresAt } };
});
