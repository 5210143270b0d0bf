import type { Dependencies } from './dependencies';

/**
 * A portal session was opened for the address: it is proven (SPEC §14). Until verified
 * senders land (issue 10), there is no store to record it in.
 */
export async function recordPortalSignIn(_deps: Dependencies, _email: string): Promise<void> {
  // Replaced by recordVerifiedRequester(deps, email, 'portal') when issue 10 is merged.
}
