import { isStaffGroup, type Principal, type StaffGroup } from '../domain/principal';

/**
 * Reads the staff groups from authorizer claims. API Gateway's REST Cognito authorizer
 * passes every claim as a string (`"agents,finance"`); HTTP APIs pass `"[agents finance]"`;
 * a verified JWT has an array. All three are accepted.
 */
export function groupsOf(claim: unknown): StaffGroup[] {
  let names: unknown[];
  if (Array.isArray(claim)) names = claim;
  else if (typeof claim === 'string') {
    names = claim.replace(/^\[|\]$/g, '').split(/[\s,]+/);
  } else names = [];
  return names.filter((n): n is StaffGroup => typeof n === 'string' && isStaffGroup(n));
}

/** A staff principal from claims, or undefined when they name no subject. */
export function principalFromClaims(
  claims: Record<string, unknown> | undefined,
): Principal | undefined {
  const sub = [claims?.['cognito:username'], claims?.['username'], claims?.sub].find(
    (value): value is string => typeof value === 'string' && value !== '',
  );
  if (sub === undefined) return undefined;
  return { kind: 'staff', sub, groups: groupsOf(claims?.['cognito:groups']) };
}
