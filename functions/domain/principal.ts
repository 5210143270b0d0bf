/** Staff groups, as the `cognito:groups` claim names them. */
export const STAFF_GROUPS = ['agents', 'finance', 'admins', 'sales'] as const;
export type StaffGroup = (typeof STAFF_GROUPS)[number];

/**
 * Who is calling: a signed-in staff member, a customer signed in to the portal (only on
 * `/portal/…` routes), or nobody in particular.
 */
export type Principal =
  | { kind: 'staff'; sub: string; groups: StaffGroup[] }
  | {
      kind: 'portal';
      /** The signed-in address (lower case), proven by the sign-in link. */
      email: string;
      /** When the session ends, ISO-8601 UTC. */
      expiresAt: string;
    }
  | { kind: 'anonymous' };

export function isStaffGroup(value: string): value is StaffGroup {
  return (STAFF_GROUPS as readonly string[]).includes(value);
}

export function isAgent(principal: Principal): principal is Extract<Principal, { kind: 'staff' }> {
  return principal.kind === 'staff' && principal.groups.includes('agents');
}
