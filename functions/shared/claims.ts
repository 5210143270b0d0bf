import { UnauthorizedError } from '../domain/errors';
import { isStaffGroup, type Principal, type StaffGroup } from '../domain/principal';

/**
 * Reads the staff groups from a verified token's `cognito:groups` claim: a JSON array of
 * group names, each taken whole. Anything else gives no groups (SPEC §14): a string is
 * never split, so `"agents,admins"` (or `["agents,admins"]`) is one unknown group, not two
 * known ones.
 */
export function groupsOf(claim: unknown): StaffGroup[] {
  if (!Array.isArray(claim)) return [];
  return claim.filter((n): n is StaffGroup => typeof n === 'string' && isStaffGroup(n));
}

/** A staff principal from a token's claims, or undefined when they name no subject. */
export function principalFromClaims(
  claims: Record<string, unknown> | undefined,
): Principal | undefined {
  const sub = [claims?.['cognito:username'], claims?.['username'], claims?.sub].find(
    (value): value is string => typeof value === 'string' && value !== '',
  );
  if (sub === undefined) return undefined;
  return { kind: 'staff', sub, groups: groupsOf(claims?.['cognito:groups']) };
}

/** What a staff token must say about where it comes from (the user pool and its client). */
export interface TokenExpectations {
  /** The user pool's issuer URL (`JWT_ISSUER`). */
  issuer: string;
  /** The app client of the staff pages (`JWT_CLIENT_ID`). */
  clientId: string;
  /** Now, in milliseconds since the epoch. */
  now: number;
}

/**
 * Checks the claims of a staff token whose signature is verified (by API Gateway's
 * authorizer, or by `bearer-token.ts`) beyond what an authorizer checks (SPEC §14):
 * `exp` present and in the future, the expected issuer, `token_use` `id` (then `aud` is our
 * client) or `access` (then `client_id` is), and a subject. A token of another app client
 * of the same pool, a token without expiry or of unknown use is 401.
 */
export function staffPrincipal(
  claims: Record<string, unknown>,
  expect: TokenExpectations,
): Principal {
  const refuse = (why: string): never => {
    throw new UnauthorizedError(`The bearer token is not accepted: ${why}.`);
  };
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) refuse('it has no expiry');
  if ((claims.exp as number) * 1000 <= expect.now) refuse('it has expired');
  if (claims.iss !== expect.issuer) refuse('it is from another issuer');
  const use = claims.token_use;
  if (use === 'id') {
    const aud = claims.aud;
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(expect.clientId)) refuse('it is for another client');
  } else if (use === 'access') {
    if (claims.client_id !== expect.clientId) refuse('it is for another client');
  } else {
    refuse('it is neither an ID nor an access token');
  }
  const principal = principalFromClaims(claims);
  if (!principal) return refuse('it names nobody');
  return principal;
}
