import { recordPortalSignIn } from '../shared/portal-hooks';
import { startPortalSession } from '../app/portal';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { portalSessionBody } from './schemas';

/** `POST /portal/session {code}` → `{sessionToken, expiresAt}`; a code works once. */
export const handler = httpHandler(
  'portal-start-session',
  { body: portalSessionBody },
  async (request) => {
    const { code } = request.body;
    const deps = dependencies();
    const { sessionToken, expiresAt } = await startPortalSession(
      { ...deps, addressProven: (email) => recordPortalSignIn(deps, email) },
      code,
    );
    return { status: 201, body: { sessionToken, expiresAt } };
  },
);
