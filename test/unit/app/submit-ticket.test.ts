import { describe, expect, it } from 'vitest';
import { submitTicket, type TicketSubmission } from '../../../functions/app/submit-ticket';
import { accessTokenMatches } from '../../../functions/domain/access-token';
import type { Customer } from '../../../functions/domain/customer';
import { UnprocessableError } from '../../../functions/domain/errors';
import { fakeDeps } from '../fakes';

const form: TicketSubmission = {
  name: 'Anna Berg',
  email: 'Anna.Berg@EU.Acme.de',
  subject: 'Export fails',
  description: 'The monthly export stops at 50%.',
  severity: 'high',
  locale: 'en',
  channel: 'web',
};

const acme = (validFrom: string, validTo?: string): Customer => ({
  customerId: 'acme',
  name: 'ACME GmbH',
  domains: ['acme.de'],
  contacts: [{ email: 'boss@other.example' }],
  contract: {
    id: 'SMV-1',
    validFrom,
    ...(validTo === undefined ? {} : { validTo }),
    includedMinutesPerMonth: 600,
    coveredServiceCodes: ['SUPPORT'],
  },
});

describe('submitTicket', () => {
  it('numbers, stores and queues a new ticket', async () => {
    const deps = fakeDeps('2026-05-04T08:00:00.000Z');

    const { ticket, accessToken, replayed } = await submitTicket(deps, form);

    expect(replayed).toBe(false);
    expect(accessToken).toBe('token-1');
    expect(ticket).toMatchObject({
      ticketId: 'T-10001',
      status: 'open',
      group: 'standard',
      severity: 'high',
      receivedAt: '2026-05-04T08:00:00.000Z',
      updatedAt: '2026-05-04T08:00:00.000Z',
      channel: 'web',
      locale: 'en',
      version: 1,
      requester: { name: 'Anna Berg', email: 'anna.berg@eu.acme.de' },
    });
    expect(ticket).not.toHaveProperty('customer');
    expect(ticket).not.toHaveProperty('assignee');
    const stored = await deps.tickets.get('T-10001');
    // Stored with what its acknowledgement tells: nothing waited before it at receipt.
    expect(stored).toEqual({ ...ticket, aheadAtReceipt: { contract: 0, standard: 0 } });
    // Its first history record is stored with it (SPEC §13).
    expect(stored?.history).toEqual([
      { at: '2026-05-04T08:00:00.000Z', actor: 'customer', action: 'created', to: 'open' },
    ]);
    expect(stored?.accessTokenHash).not.toContain(accessToken);
    expect(accessTokenMatches(accessToken, stored?.accessTokenHash ?? '')).toBe(true);
    expect(deps.tickets.queueIds()).toEqual(['T-10001']);
  });

  it('stores with a standard ticket how many waited before it at receipt, read once', async () => {
    const deps = fakeDeps('2026-05-04T08:00:00.000Z');
    await deps.customers.save(acme('2026-01-01', '2026-12-31'));
    // Ahead of a new standard "high" ticket: every contract ticket, standard ones of higher
    // severity, and older standard ones of its severity; not a later or less urgent one.
    await submitTicket(deps, { ...form, severity: 'low' });
    await submitTicket(deps, { ...form, severity: 'critical' });
    const stranger = { ...form, email: 'someone@elsewhere.example' };
    await submitTicket(deps, { ...stranger, severity: 'critical' });
    await submitTicket(deps, { ...stranger, severity: 'high' });
    await submitTicket(deps, { ...stranger, severity: 'normal' });
    deps.queueCounters.asked.length = 0;

    const { ticket } = await submitTicket(deps, { ...stranger, severity: 'high' });

    const stored = await deps.tickets.get(ticket.ticketId);
    expect(stored?.aheadAtReceipt).toEqual({ contract: 2, standard: 2 });
    expect(deps.queueCounters.asked).toHaveLength(1);
    // The figure is the ticket's own, not part of what the caller is answered.
    expect(ticket).not.toHaveProperty('aheadAtReceipt');
    // Contract tickets carry none: their acknowledgement names a deadline instead.
    const contract = await deps.tickets.get('T-10001');
    expect(contract?.group).toBe('contract');
    expect(contract).not.toHaveProperty('aheadAtReceipt');
  });

  it('keeps a ticket whose standing at receipt could not be read, without the figure', async () => {
    const deps = fakeDeps();
    deps.queueCounters.failing = true;

    const { ticket } = await submitTicket(deps, form);

    const stored = await deps.tickets.get(ticket.ticketId);
    expect(stored?.status).toBe('open');
    expect(stored).not.toHaveProperty('aheadAtReceipt');
    expect(deps.outbox.published).toHaveLength(1);
  });

  it('reads no standing for a replayed submission: the first one stored its figure', async () => {
    const deps = fakeDeps();
    const first = await submitTicket(deps, form, 'key-1');
    deps.queueCounters.asked.length = 0;

    const again = await submitTicket(deps, form, 'key-1');

    expect(again.replayed).toBe(true);
    expect(again.ticket.ticketId).toBe(first.ticket.ticketId);
    expect(deps.queueCounters.asked).toEqual([]);
  });

  it('keeps the phone number only when one was given', async () => {
    const deps = fakeDeps();
    const withPhone = await submitTicket(deps, { ...form, phone: '+49 30 1234' });
    expect(withPhone.ticket.requester.phone).toBe('+49 30 1234');
    const without = await submitTicket(deps, form);
    expect(without.ticket.requester).not.toHaveProperty('phone');
  });

  it('puts a sender of a customer with a contract that day in the contract group', async () => {
    const deps = fakeDeps('2026-05-04T08:00:00.000Z');
    await deps.customers.save(acme('2026-01-01', '2026-12-31'));

    const { ticket } = await submitTicket(deps, form);

    expect(ticket.group).toBe('contract');
    expect(ticket.customer).toEqual({ id: 'acme', name: 'ACME GmbH' });
  });

  it('matches by contact address as well as by domain', async () => {
    const deps = fakeDeps('2026-05-04T08:00:00.000Z');
    await deps.customers.save(acme('2026-01-01'));
    const { ticket } = await submitTicket(deps, { ...form, email: 'Boss@Other.example' });
    expect(ticket).toMatchObject({ group: 'contract', customer: { id: 'acme' } });
  });

  it('decides the group by the Berlin day of receipt, not the UTC day', async () => {
    const deps = fakeDeps();
    await deps.customers.save(acme('2027-01-01'));

    deps.clock.set('2026-12-31T22:59:59.999Z');
    const before = await submitTicket(deps, form);
    // 23:30 UTC on New Year's Eve is already 2027-01-01 in Berlin.
    deps.clock.set('2026-12-31T23:30:00.000Z');
    const after = await submitTicket(deps, form);

    expect(before.ticket.group).toBe('standard');
    expect(after.ticket.group).toBe('contract');
    expect(deps.tickets.queueIds()).toEqual([after.ticket.ticketId, before.ticket.ticketId]);
  });

  it('puts a known customer in the standard group once the contract has ended', async () => {
    const deps = fakeDeps('2026-05-04T08:00:00.000Z');
    await deps.customers.save(acme('2025-01-01', '2026-05-03'));
    const { ticket } = await submitTicket(deps, form);
    expect(ticket).toMatchObject({ group: 'standard', customer: { id: 'acme' } });
  });

  it('replays a retried submission: same ticketId and accessToken, no second ticket', async () => {
    const deps = fakeDeps('2026-05-04T08:00:00.000Z');
    const first = await submitTicket(deps, form, 'key-1');

    deps.clock.advance(60_000);
    const retry = await submitTicket(deps, { ...form }, 'key-1');

    expect(first.replayed).toBe(false);
    expect(retry.replayed).toBe(true);
    expect(retry.ticket.ticketId).toBe(first.ticket.ticketId);
    expect(retry.accessToken).toBe(first.accessToken);
    expect(retry.ticket.receivedAt).toBe('2026-05-04T08:00:00.000Z');
    expect(deps.tickets.all()).toHaveLength(1);
  });

  it('returns the stored ticket on replay, also after it was changed', async () => {
    const deps = fakeDeps();
    const first = await submitTicket(deps, form, 'key-1');
    deps.tickets.overwrite(first.ticket.ticketId, { status: 'in_progress', assignee: 'alice' });

    const retry = await submitTicket(deps, form, 'key-1');

    expect(retry.ticket).toMatchObject({ ticketId: first.ticket.ticketId, status: 'in_progress' });
    expect(deps.tickets.all()).toHaveLength(1);
  });

  it('treats the same body in another key order as the same submission', async () => {
    const deps = fakeDeps();
    const first = await submitTicket(deps, form, 'key-1');
    const reordered = Object.fromEntries(Object.entries(form).reverse()) as TicketSubmission;
    const retry = await submitTicket(deps, reordered, 'key-1');
    expect(retry.replayed).toBe(true);
    expect(retry.ticket.ticketId).toBe(first.ticket.ticketId);
  });

  it.each([
    ['subject', { subject: 'Export fails again' }],
    ['severity', { severity: 'critical' as const }],
    ['email', { email: 'someone@else.example' }],
    ['phone', { phone: '+49 30 1234' }],
  ])(
    'rejects the same key with a different %s as 422, creating nothing',
    async (_field, change) => {
      const deps = fakeDeps();
      await submitTicket(deps, form, 'key-1');

      const error = await submitTicket(deps, { ...form, ...change }, 'key-1').then(
        () => undefined,
        (e: unknown) => e,
      );

      expect(error).toBeInstanceOf(UnprocessableError);
      expect((error as UnprocessableError).status).toBe(422);
      expect(deps.tickets.all()).toHaveLength(1);
    },
  );

  it('makes one ticket per submission without a key, and per distinct key', async () => {
    const deps = fakeDeps();
    const a = await submitTicket(deps, form);
    const b = await submitTicket(deps, form);
    const c = await submitTicket(deps, form, 'key-1');
    const d = await submitTicket(deps, form, 'key-2');
    const ids = [a, b, c, d].map((s) => s.ticket.ticketId);
    expect(new Set(ids).size).toBe(4);
    expect(new Set([a, b, c, d].map((s) => s.accessToken)).size).toBe(4);
    expect(deps.tickets.all()).toHaveLength(4);
  });
});
