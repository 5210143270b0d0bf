import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../functions/domain/errors';
import { TICKET_STATUSES, type TicketStatus } from '../../../functions/domain/ticket';
import { assertTransition, canTransition } from '../../../functions/domain/ticket-status';

/**
 * The status lifecycle of SPEC §6, as pairs `from → to`:
 * open → in_progress (claim) → waiting_customer ↔ in_progress → resolved → closed;
 * in_progress → open is a release, resolved → open a reopen. An agent may also resolve a
 * waiting ticket straight away (spam, duplicate) or one that waits for the customer.
 */
const ALLOWED = new Set<string>([
  'open→in_progress',
  'open→resolved',
  'in_progress→open',
  'in_progress→waiting_customer',
  'in_progress→resolved',
  'waiting_customer→in_progress',
  'waiting_customer→open',
  'waiting_customer→resolved',
  'resolved→open',
  'resolved→closed',
]);

const pairs: [TicketStatus, TicketStatus, boolean][] = TICKET_STATUSES.flatMap((from) =>
  TICKET_STATUSES.map((to): [TicketStatus, TicketStatus, boolean] => [
    from,
    to,
    ALLOWED.has(`${from}→${to}`),
  ]),
);

describe('ticket status transitions', () => {
  it('covers all 25 pairs of the five statuses', () => {
    expect(TICKET_STATUSES).toHaveLength(5);
    expect(pairs).toHaveLength(25);
  });

  it.each(pairs)('%s → %s allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
    if (allowed) {
      expect(() => assertTransition(from, to)).not.toThrow();
      return;
    }
    let thrown: unknown;
    try {
      assertTransition(from, to);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConflictError);
    const conflict = thrown as ConflictError;
    expect(conflict.status).toBe(409);
    expect(conflict.expose).toBe(true);
    expect(conflict.message).toContain(`'${from}'`);
    expect(conflict.message).toContain(`'${to}'`);
  });

  it('keeps closed final: no status, not even closed again, follows it', () => {
    for (const to of TICKET_STATUSES) {
      expect(canTransition('closed', to)).toBe(false);
      expect(() => assertTransition('closed', to)).toThrow(/closed/);
    }
  });

  it('closes only resolved tickets', () => {
    const from = TICKET_STATUSES.filter((status) => canTransition(status, 'closed'));
    expect(from).toEqual(['resolved']);
  });

  it('names the allowed next statuses in the conflict message', () => {
    expect(() => assertTransition('open', 'closed')).toThrow(/in_progress, resolved/);
  });
});
