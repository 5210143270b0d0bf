import { requestSignIn, SIGN_IN_LIMIT_ADDRESS, SIGN_IN_LIMIT_CLIENT } from '../app/portal';
import { integer } from '../shared/config';
import { dependencies } from '../shared/dependencies';
import { withOutbox } from '../shared/with-outbox';
import { httpHandler } from '../shared/http-handler';
import { portalSignInBody } from './schemas';

/**
 * `POST /portal/sign-in {email, locale?}` → 202, whatever the address: the same answer and
 * the same work (two rate counters, one queued event) for known and unknown addresses.
 */
export const handler = httpHandler(
  'portal-sign-in',
  { body: portalSignInBody },
  async (request) => {
    const { email, locale } = request.body;
    await requestSignIn(
      { ...withOutbox(dependencies()), limits: signInLimits() },
      { email, locale, client: request.clientAddress ?? 'unknown' },
    );
    return {
      status: 202,
      body: {
        status: 'accepted',
        detail:
          'If this address may use the portal, a sign-in link is on its way; it works once, for 15 minutes.',
      },
    };
  },
);

/** Per hour; `PORTAL_SIGN_IN_LIMIT_ADDRESS` and `PORTAL_SIGN_IN_LIMIT_CLIENT` override. */
function signInLimits() {
  return {
    address: {
      ...SIGN_IN_LIMIT_ADDRESS,
      max: integer('PORTAL_SIGN_IN_LIMIT_ADDRESS', SIGN_IN_LIMIT_ADDRESS.max),
    },
    client: {
      ...SIGN_IN_LIMIT_CLIENT,
      max: integer('PORTAL_SIGN_IN_LIMIT_CLIENT', SIGN_IN_LIMIT_CLIENT.max),
    },
  };
}
