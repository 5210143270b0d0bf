import { UnauthorizedError } from '../domain/errors';
import type { Principal } from '../domain/principal';
import type { PortalPrincipal } from '../app/portal';

/** The signed-in portal user of a `portal` route (the middleware has checked the session). */
export function portalPrincipal(principal: Principal): PortalPrincipal {
  if (principal.kind !== 'portal') throw new UnauthorizedError('Sign in to the portal first.');
  return principal;
}
