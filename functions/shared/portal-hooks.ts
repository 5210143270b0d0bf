import { recordVerifiedRequester } from '../app/verify-requester';
import type { Dependencies } from './dependencies';

/**
 * A portal session was opened for the address: the link reached its mailbox, so it is
 * proven (SPEC §14) — for the tickets it files from now on, by any channel.
 */
export async function recordPortalSignIn(deps: Dependencies, email: string): Promise<void> {
  await recordVerifiedRequester(deps, email, 'portal');
}
