import { describe, expect, it } from 'vitest';
import {
  getCustomer,
  putCustomer,
  regroupContractBoundaries,
} from '../../../functions/app/manage-customers';
import type { Contract, Customer } from '../../../functions/domain/customer';
import { ConflictError, NotFoundError } from '../../../functions/domain/errors';
import { aTicket, fakeDeps } from '../fakes';

const contract = (validFrom: string, validTo?: string): Contract => ({
  id: 'SMV-1',
  validFrom,
  ...(validTo === undefined ? {} : { validTo }),
  includedMinutesPerMonth: 600,
  coveredServiceCodes: ['SUPPORT'],
});

const acme = (c?: Contract): Customer => ({
  customerId: 'acme',
  name: 'ACME GmbH',
  domains: ['acme.de'],
  contacts: [{ email: 'anna@acme.de' }],
  ...(c ? { contract: c } : {}),
});

const ofAcme = { customer: { id: 'acme', name: 'ACME GmbH' } };

/** Tickets of ACME (two waiting, one held) and one waiting ticket of another customer. */
async function withTickets(now: string, group: 'contract' | 'standard') {
  const deps = fakeDeps(now);
  await deps.tickets.create(aTicket({ ticketId: 'T-1', group, ...ofAcme }));
  await deps.tickets.create(aTicket({ ticketId: 'T-2', group, severity: 'high', ...ofAcme }));
  await deps.tickets.create(
    aTicket({ ticketId: 'T-3', group, status: 'in_progress', assignee: 'bob', ...ofAcme }),
  );
  await deps.tickets.create(
    aTicket({ ticketId: 'T-4', group, customer: { id: 'other', name: 'Other AG' } }),
  );
  return deps;
}

const groupOf = async (deps: ReturnType<typeof fakeDeps>, id: string) =>
  (await deps.tickets.get(id))?.group;

describe('putCustomer', () => {
  it('creates a customer, stamping updatedAt', async () => {
    const deps = fakeDeps('2026-05-04T08:00:00.000Z');
    const result = await putCustomer(deps, acme());
    expect(result).toEqual({
      customer: { ...acme(), updatedAt: '2026-05-04T08:00:00.000Z' },
      created: true,
      regrouped: 0,
    });
    expect(await getCustomer(deps, 'acme')).toEqual(result.customer);
  });

  it('reports a replacement as not created', async () => {
    const deps = fakeDeps();
    await putCustomer(deps, acme());
    const result = await putCustomer(deps, { ...acme(), name: 'ACME SE' });
    expect(result.created).toBe(false);
    expect((await getCustomer(deps, 'acme')).name).toBe('ACME SE');
  });

  it('moves waiting tickets to the contract group when a contract starts today', async () => {
    const deps = await withTickets('2026-05-04T08:00:00.000Z', 'standard');
    await deps.tickets.create(aTicket({ ticketId: 'T-0', group: 'standard' }));
    expect(deps.tickets.queueIds()).toEqual(['T-2', 'T-0', 'T-1', 'T-4']);

    const result = await putCustomer(deps, acme(contract('2026-05-04')));

    expect(result.regrouped).toBe(2);
    expect(await groupOf(deps, 'T-1')).toBe('contract');
    expect(await groupOf(deps, 'T-2')).toBe('contract');
    expect(await groupOf(deps, 'T-3')).toBe('standard');
    expect(await groupOf(deps, 'T-4')).toBe('standard');
    // The moved tickets now wait ahead of every standard ticket, in their own order.
    expect(deps.tickets.queueIds()).toEqual(['T-2', 'T-1', 'T-0', 'T-4']);
  });

  it('moves waiting tickets to the standard group when the contract has ended', async () => {
    const deps = await withTickets('2026-05-04T08:00:00.000Z', 'contract');

    const result = await putCustomer(deps, acme(contract('2025-01-01', '2026-05-03')));

    expect(result.regrouped).toBe(2);
    expect(await groupOf(deps, 'T-1')).toBe('standard');
    expect(await groupOf(deps, 'T-2')).toBe('standard');
    expect(await groupOf(deps, 'T-3')).toBe('contract');
    expect(await groupOf(deps, 'T-4')).toBe('contract');
  });

  it('moves them to standard when the contract is removed', async () => {
    const deps = await withTickets('2026-05-04T08:00:00.000Z', 'contract');
    expect((await putCustomer(deps, acme())).regrouped).toBe(2);
    expect(await groupOf(deps, 'T-1')).toBe('standard');
  });

  it('moves nothing for a contract that starts tomorrow (Berlin)', async () => {
    // 21:59 UTC on 2026-05-04 is still 2026-05-04 in Berlin (UTC+2).
    const deps = await withTickets('2026-05-04T21:59:59.999Z', 'standard');
    expect((await putCustomer(deps, acme(contract('2026-05-05')))).regrouped).toBe(0);
    expect(await groupOf(deps, 'T-1')).toBe('standard');
  });

  it('uses the Berlin day: at 22:00 UTC a contract from the next day has begun', async () => {
    const deps = await withTickets('2026-05-04T22:00:00.000Z', 'standard');
    expect((await putCustomer(deps, acme(contract('2026-05-05')))).regrouped).toBe(2);
  });

  it('keeps the contract active through its last day', async () => {
    const deps = await withTickets('2026-05-04T08:00:00.000Z', 'contract');
    expect((await putCustomer(deps, acme(contract('2025-01-01', '2026-05-04')))).regrouped).toBe(0);
    expect(await groupOf(deps, 'T-1')).toBe('contract');
  });

  it('keeps the time of receipt of moved tickets', async () => {
    const deps = await withTickets('2026-05-04T08:00:00.000Z', 'standard');
    const before = await deps.tickets.get('T-1');
    await putCustomer(deps, acme(contract('2026-01-01')));
    expect((await deps.tickets.get('T-1'))?.receivedAt).toBe(before?.receivedAt);
  });

  it('passes on a conflict of the repository and moves nothing', async () => {
    const deps = await withTickets('2026-05-04T08:00:00.000Z', 'standard');
    await deps.customers.save({
      customerId: 'other',
      name: 'Other AG',
      domains: ['acme.de'],
      contacts: [],
    });
    await expect(putCustomer(deps, acme(contract('2026-01-01')))).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(await groupOf(deps, 'T-1')).toBe('standard');
  });
});

describe('getCustomer', () => {
  it('is a 404 for an unknown customer', async () => {
    const deps = fakeDeps();
    await expect(getCustomer(deps, 'nobody')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('regroupContractBoundaries (the daily job)', () => {
  it('moves the tickets of a customer whose contract starts today', async () => {
    const deps = await withTickets('2026-06-01T00:05:00.000+02:00', 'standard');
    await deps.customers.save(acme(contract('2026-06-01')));
    expect(await regroupContractBoundaries(deps)).toBe(2);
    expect(await groupOf(deps, 'T-2')).toBe('contract');
  });

  it('moves the tickets of a customer whose contract ended yesterday', async () => {
    const deps = await withTickets('2026-06-01T00:05:00.000+02:00', 'contract');
    await deps.customers.save(acme(contract('2026-01-01', '2026-05-31')));
    expect(await regroupContractBoundaries(deps)).toBe(2);
    expect(await groupOf(deps, 'T-2')).toBe('standard');
  });

  it('moves nothing on other days', async () => {
    const deps = await withTickets('2026-06-02T00:05:00.000+02:00', 'standard');
    await deps.customers.save(acme(contract('2026-06-01')));
    expect(await regroupContractBoundaries(deps)).toBe(0);
  });
});
