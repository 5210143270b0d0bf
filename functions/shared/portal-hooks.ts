import { recordVerifiedRequester, type VerificationDeps } from '../app/verify-requester';

/**
 * A portal session was opened for the address: the link reached its mailbox, so it is
 * proven (SPEC §14) — for the tickets it files from now on, by any channel.
 */
export async function recordPortalSignIn(deps: VerificationDeps, email: string): Promise<void> {
  await recordVerifiedRequester(deps, email, 'portal');
}
