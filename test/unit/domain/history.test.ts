import { describe, expect, it } from 'vitest';
import {
  changeRecords,
  createdRecord,
  mergeHistory,
  messageRecord,
  workRecord,
} from '../../../functions/domain/history';
import type { Ticket } from '../../../functions/domain/ticket';

const AT = '2026-05-04T08:00:00.000Z';
const ticket: Ticket = {
  ticketId: 'T-10001',
  status: 'open',
  group: 'standard',
  severity: 'normal',
  receivedAt: AT,
  subject: 'Backup',
  description: 'fails',
  channel: 'web',
  locale: 'de',
  requester: { name: 'Erika', email: 'erika@example.org' },
  updatedAt: AT,
  version: 1,
};

describe('history records (SPEC §13)', () => {
  it('records a take, and a take out of queue order as such', () => {
    const taken = { ...ticket, status: 'in_progress' as const, assignee: 'alice' };
    expect(changeRecords(ticket, taken, 'alice', AT)).toEqual([
      { at: AT, actor: 'alice', action: 'take', from: 'open', to: 'in_progress' },
    ]);
    const outOfOrder = { ...taken, takenOutOfOrder: { by: 'alice', at: AT } };
    expect(changeRecords(ticket, outOfOrder, 'alice', AT)[0]?.action).toBe('take-out-of-order');
  });

  it('records a release, other status changes, severity and group, one record each', () => {
    const held = { ...ticket, status: 'in_progress' as const, assignee: 'alice' };
    const released = { ...ticket, status: 'open' as const, severity: 'high' as const };
    expect(changeRecords(held, released, 'alice', AT).map((r) => r.action)).toEqual([
      'release',
      'severity',
    ]);
    const resolved = { ...held, status: 'resolved' as const };
    expect(changeRecords(held, resolved, 'alice', AT)).toEqual([
      { at: AT, actor: 'alice', action: 'status', from: 'in_progress', to: 'resolved' },
    ]);
    const moved = { ...ticket, group: 'contract' as const };
    expect(changeRecords(ticket, moved, 'system', AT)).toEqual([
      { at: AT, actor: 'system', action: 'group', from: 'standard', to: 'contract' },
    ]);
  });

  it('records nothing for bookkeeping alone, and never personal data', () => {
    expect(changeRecords(ticket, { ...ticket, firstAttendedAt: AT, version: 2 }, 'a', AT)).toEqual(
      [],
    );
    const erased = {
      ...ticket,
      requester: { name: '[erased]' },
      anonymised: { at: AT, reason: 'erasure' as const },
    };
    const records = changeRecords(ticket, erased, 'root', AT);
    expect(records).toEqual([{ at: AT, actor: 'root', action: 'erasure' }]);
    expect(JSON.stringify(records)).not.toContain('erika');
  });

  it('names the actor of a new ticket, a message and a work entry from what they are', () => {
    expect(createdRecord({ ...ticket, channel: 'email' }).actor).toBe('mail');
    expect(createdRecord({ ...ticket, channel: 'phone' }).actor).toBe('system');
    const message = {
      messageId: 'm1',
      ticketId: 'T-10001',
      author: { kind: 'customer' as const, name: 'Erika', email: 'erika@example.org' },
      body: 'hello',
      internal: false,
      channel: 'web' as const,
      createdAt: AT,
    };
    expect(messageRecord(message)).toEqual({
      at: AT,
      actor: 'customer',
      action: 'message',
      to: 'public',
      ref: 'm1',
    });
    expect(
      messageRecord({ ...message, author: { kind: 'agent', name: 'bob' }, internal: true }),
    ).toMatchObject({ actor: 'bob', to: 'internal' });
    expect(
      workRecord({
        entryId: 'w1',
        ticketId: 'T-10001',
        agent: 'alice',
        date: '2026-05-04',
        minutes: 20,
        serviceCode: 'REMOTE',
        serviceName: 'Fernwartung',
        unit: 'quarter_hour',
        description: 'secret text',
        coveredMinutes: 0,
        billableMinutes: 20,
        quantity: 2,
        unitPriceCents: 3900,
        amountCents: 7800,
        currency: 'EUR',
        priceListVersion: 0,
        customer: { id: null, name: 'Erika' },
        recordedAt: AT,
      }),
    ).toEqual({ at: AT, actor: 'alice', action: 'work', to: '20 min REMOTE', ref: 'w1' });
  });

  it('merges sources oldest first, keeping the given order within an instant', () => {
    const a = { at: '2026-01-01T00:00:02.000Z', actor: 'x', action: 'status' as const };
    const b = { at: '2026-01-01T00:00:01.000Z', actor: 'y', action: 'message' as const };
    const c = { at: '2026-01-01T00:00:02.000Z', actor: 'z', action: 'work' as const };
    expect(mergeHistory([a], [b, c])).toEqual([b, a, c]);
  });
});

describe('actors and reopen (try-15 F3, F4)', () => {
  it("records the intake's own notes as the mail's doing, not a staff name", () => {
    const note = {
      messageId: 'l1',
      ticketId: 'T-10001',
      author: { kind: 'agent' as const, name: 'mail intake' },
      body: 'A mail named it',
      internal: true,
      channel: 'email' as const,
      createdAt: AT,
    };
    expect(messageRecord(note)).toMatchObject({ actor: 'mail', action: 'message', to: 'internal' });
  });

  it('records a resolved ticket going back to the queue as a status change, not a release', () => {
    const resolved: Ticket = { ...ticket, status: 'resolved', assignee: 'alice' };
    const reopened: Ticket = { ...ticket, status: 'open' };
    expect(changeRecords(resolved, reopened, 'customer', AT)).toEqual([
      { at: AT, actor: 'customer', action: 'status', from: 'resolved', to: 'open' },
    ]);
    const held: Ticket = { ...ticket, status: 'in_progress', assignee: 'alice' };
    expect(changeRecords(held, reopened, 'alice', AT)[0]?.action).toBe('release');
  });
});
