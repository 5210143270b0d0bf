import { UnauthorizedError } from '../domain/errors';
import type { Principal } from '../domain/principal';

/** The name a staff member acts under (the ticket's assignee). */
export function staffName(principal: Principal): string {
  if (principal.kind !== 'staff') throw new UnauthorizedError();
  return principal.sub;
}

/** Whether the caller is an admin (who may change tickets other agents hold). */
export function isAdmin(principal: Principal): boolean {
  return principal.kind === 'staff' && principal.groups.includes('admins');
}
