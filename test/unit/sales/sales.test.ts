import { describe, expect, it } from 'vitest';
import type { Contract, Customer } from '../../../functions/domain/customer';
import {
  addMonths,
  ContractTally,
  contractReportCsvRow,
  coveredValueCents,
  monthsEndingWith,
  partyOf,
  type ReferenceContract,
  UpsellTally,
  upsellReportCsvRow,
} from '../../../functions/domain/sales';
import type { ServiceLevelRow } from '../../../functions/domain/service-levels/report';
import { aWorkEntry } from '../billing/billing-fakes';

const NOW = new Date('2026-05-20T10:00:00Z');

/** Remote and phone support covered, an hour a month, 100 € a month. */
const reference: ReferenceContract = {
  monthlyFeeCents: 10_000,
  includedMinutesPerMonth: 60,
  coveredServiceCodes: ['REMOTE', 'PHONE'],
};

/** A billable entry as billing prices it without a contract: every started unit. */
function billed(
  entryId: string,
  minutes: number,
  service: { code: string; unit: 'quarter_hour' | 'hour' | 'minute' | 'flat'; price: number },
  date = '2026-05-04',
  customer: { id: string | null; name: string } = { id: 'shop', name: 'Shop KG' },
) {
  const per = { quarter_hour: 15, hour: 60, minute: 1, flat: Infinity }[service.unit];
  const quantity = service.unit === 'flat' ? 1 : Math.ceil(minutes / per);
  return aWorkEntry({
    entryId,
    date,
    minutes,
    serviceCode: service.code,
    serviceName: service.code,
    unit: service.unit,
    coveredMinutes: 0,
    billableMinutes: minutes,
    quantity,
    unitPriceCents: service.price,
    amountCents: quantity * service.price,
    customer,
  });
}

const REMOTE = { code: 'REMOTE', unit: 'quarter_hour', price: 3900 } as const;
const ONSITE = { code: 'ONSITE', unit: 'hour', price: 14_500 } as const;
const TRAVEL = { code: 'TRAVEL', unit: 'flat', price: 8900 } as const;

describe('months', () => {
  it('count across year boundaries, oldest first', () => {
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2025-12', 1)).toBe('2026-01');
    expect(addMonths('2026-03', -27)).toBe('2023-12');
    expect(monthsEndingWith('2026-02', 4)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
  });
});

describe('the value of covered work at list prices', () => {
  it('is the whole entry per started unit less what was billed for it', () => {
    // 50 minutes of remote support: 4 started quarter hours; 20 covered, 30 billed (2).
    expect(
      coveredValueCents({
        minutes: 50,
        unit: 'quarter_hour',
        unitPriceCents: 3900,
        amountCents: 7800,
      }),
    ).toBe(2 * 3900);
  });

  it('is nothing when the covered minutes started no unit of their own', () => {
    // 10 covered + 5 billed minutes: the one started quarter hour was billed anyway.
    expect(
      coveredValueCents({
        minutes: 15,
        unit: 'quarter_hour',
        unitPriceCents: 3900,
        amountCents: 3900,
      }),
    ).toBe(0);
  });

  it('is the full price of a wholly covered entry, flat ones included', () => {
    expect(
      coveredValueCents({ minutes: 61, unit: 'hour', unitPriceCents: 14_500, amountCents: 0 }),
    ).toBe(2 * 14_500);
    expect(
      coveredValueCents({ minutes: 5, unit: 'flat', unitPriceCents: 8900, amountCents: 0 }),
    ).toBe(8900);
  });
});

describe('the upsell comparison against the reference contract', () => {
  const period = ['2026-03', '2026-04', '2026-05'];

  it('charges the fee for every month, also months with no work, and bills what it does not cover', () => {
    const tally = new UpsellTally(period, reference);
    const party = partyOf({ id: 'shop', name: 'Shop KG' });
    tally.addEntry(billed('W1', 50, REMOTE), party); // 4 × 39 € billed
    tally.addEntry(billed('W2', 20, REMOTE), party); // 2 × 39 € billed
    tally.addEntry(billed('W3', 90, ONSITE), party); // 2 × 145 € billed
    const [row] = tally.report(NOW).rows;
    expect(row).toMatchObject({
      rank: 1,
      customerId: 'shop',
      months: 3,
      entries: 3,
      minutes: 160,
      billedCents: 6 * 3900 + 2 * 14_500,
      // W1 covered (10 of 60 left), W2 10 covered + 10 minutes → one started quarter hour,
      // ONSITE is no covered code: billed as before.
      referenceBilledCents: 3900 + 2 * 14_500,
      referenceFeesCents: 3 * 10_000,
    });
    expect(row?.referenceCostCents).toBe(3 * 10_000 + 3900 + 2 * 14_500);
    expect(row?.savingCents).toBe(6 * 3900 + 2 * 14_500 - (3 * 10_000 + 3900 + 2 * 14_500));
  });

  it('rounds the part beyond the included minutes per started unit of its own service', () => {
    const tally = new UpsellTally(['2026-05'], { ...reference, includedMinutesPerMonth: 61 });
    // 70 minutes of remote: 61 covered, 9 left → one started quarter hour.
    tally.addEntry(billed('W1', 70, REMOTE), partyOf({ id: 'shop', name: 'Shop KG' }));
    expect(tally.report(NOW).rows[0]?.referenceBilledCents).toBe(3900);
  });

  it('gives each month its own included minutes', () => {
    const tally = new UpsellTally(period, reference);
    const party = partyOf({ id: 'shop', name: 'Shop KG' });
    tally.addEntry(billed('W1', 60, REMOTE, '2026-03-10'), party);
    tally.addEntry(billed('W2', 60, REMOTE, '2026-04-10'), party);
    tally.addEntry(billed('W3', 75, REMOTE, '2026-04-20'), party);
    // March and April each cover 60; April's second entry is billed in full (5 quarter hours).
    expect(tally.report(NOW).rows[0]?.referenceBilledCents).toBe(5 * 3900);
  });

  it('covers only the reference codes, flat ones priced once per entry', () => {
    const tally = new UpsellTally(['2026-05'], { ...reference, coveredServiceCodes: ['TRAVEL'] });
    const party = partyOf({ id: 'shop', name: 'Shop KG' });
    tally.addEntry(billed('W1', 30, TRAVEL), party);
    tally.addEntry(billed('W2', 30, REMOTE), party);
    expect(tally.report(NOW).rows[0]).toMatchObject({
      billedCents: 8900 + 2 * 3900,
      referenceBilledCents: 2 * 3900,
    });
  });

  it('groups senders without a customer record by mail domain', () => {
    const tally = new UpsellTally(['2026-05'], reference);
    for (const [id, name] of [
      ['W1', 'anna@Praxis-Weber.example'],
      ['W2', 'ben@praxis-weber.example'],
      ['W3', 'Someone on the phone'],
    ] as const) {
      const customer = { id: null, name };
      tally.addEntry(billed(id, 30, REMOTE, '2026-05-04', customer), partyOf(customer));
    }
    const rows = tally.report(NOW).rows;
    expect(rows.map((r) => [r.name, r.domain, r.entries])).toEqual([
      ['praxis-weber.example', 'praxis-weber.example', 2],
      ['Someone on the phone', null, 1],
    ]);
    expect(rows.every((r) => r.customerId === null)).toBe(true);
  });

  it('passes over work under a contract and months a contract ran; a customer under contract now is no lead', () => {
    const tally = new UpsellTally(period, reference);
    const contract = (validFrom: string, validTo?: string): Contract => ({
      id: 'k',
      validFrom,
      ...(validTo ? { validTo } : {}),
      includedMinutesPerMonth: 60,
      coveredServiceCodes: ['REMOTE'],
    });
    tally.addContract('ended', contract('2025-01-01', '2026-03-31'));
    tally.addContract('current', contract('2026-05-01'));
    const ended = partyOf({ id: 'ended', name: 'Ended AG' });
    tally.addEntry(
      billed('W1', 30, REMOTE, '2026-03-10', { id: 'ended', name: 'Ended AG' }),
      ended,
    );
    tally.addEntry(
      billed('W2', 30, REMOTE, '2026-04-10', { id: 'ended', name: 'Ended AG' }),
      ended,
    );
    tally.addEntry(
      {
        ...billed('W3', 30, ONSITE, '2026-04-12', { id: 'ended', name: 'Ended AG' }),
        contractId: 'x',
      },
      ended,
    );
    const current = partyOf({ id: 'current', name: 'Current GmbH' });
    tally.addEntry(billed('W4', 30, REMOTE, '2026-04-10'), current);
    const rows = tally.report(NOW).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ customerId: 'ended', months: 2, entries: 1 });
    expect(rows[0]?.referenceFeesCents).toBe(2 * 10_000);
  });

  it('ranks by what was billed and counts tickets by severity of the leads only', () => {
    const tally = new UpsellTally(['2026-05'], reference);
    const small = partyOf({ id: 'small', name: 'Small' });
    const big = partyOf({ id: 'big', name: 'Big' });
    tally.addEntry(billed('W1', 15, REMOTE, '2026-05-04', { id: 'small', name: 'Small' }), small);
    tally.addEntry(billed('W2', 120, ONSITE, '2026-05-04', { id: 'big', name: 'Big' }), big);
    tally.addTicket('critical', big, '2026-05');
    tally.addTicket('low', big, '2026-05');
    tally.addTicket('low', big, '2026-05');
    tally.addTicket('high', partyOf({ id: 'nobody', name: 'Nobody' }), '2026-05');
    const rows = tally.report(NOW).rows;
    expect(rows.map((r) => [r.rank, r.customerId])).toEqual([
      [1, 'big'],
      [2, 'small'],
    ]);
    expect(rows[0]?.tickets).toEqual({ critical: 1, high: 0, normal: 0, low: 2, total: 3 });
    expect(rows[1]?.tickets.total).toBe(0);
  });

  it('writes CSV rows with defused text and, for Excel, decimal commas', () => {
    const tally = new UpsellTally(['2026-05'], reference);
    const customer = { id: null, name: '=HYPERLINK("x")' };
    tally.addEntry(billed('W1', 15, REMOTE, '2026-05-04', customer), partyOf(customer));
    const row = tally.report(NOW).rows[0];
    if (!row) throw new Error('no row');
    const excel = upsellReportCsvRow(['2026-05'], row, true);
    expect(excel.name).toBe(`'=HYPERLINK("x")`);
    expect(excel.billed).toBe('39,00');
    expect(excel.saving).toBe('-61,00');
    expect(upsellReportCsvRow(['2026-05'], row, false).billed).toBe('39.00');
  });
});

describe('the contract report', () => {
  const acme: Customer = {
    customerId: 'acme',
    name: 'ACME GmbH',
    domains: [],
    contacts: [],
    contract: {
      id: 'K-1',
      validFrom: '2026-03-15',
      includedMinutesPerMonth: 120,
      coveredServiceCodes: ['REMOTE'],
      monthlyFeeCents: 20_000,
    },
  };
  const sl = (planId: string, met: number, breached: number): ServiceLevelRow => ({
    customerId: 'acme',
    customerName: 'ACME GmbH',
    planId,
    tickets: met + breached,
    firstResponsesMet: met,
    firstResponsesBreached: breached,
    firstResponsesPending: 0,
    resolutionsMet: met,
    resolutionsBreached: breached,
    resolutionsOpen: 0,
    medianFirstResponseBusinessMinutes: null,
    medianWaitingMinutes: null,
  });

  it('lists every contract customer of the month with 12 months, zeros where nothing happened', () => {
    const tally = new ContractTally('2026-05');
    tally.addCustomer(acme);
    tally.addCustomer({ ...acme, customerId: 'none', name: 'No contract', contract: undefined });
    tally.addCustomer({
      ...acme,
      customerId: 'old',
      name: 'Old',
      contract: { ...(acme.contract as Contract), validTo: '2026-04-30' },
    });
    const covered = {
      ...billed('W1', 50, REMOTE, '2026-05-04', { id: 'acme', name: 'ACME GmbH' }),
      coveredMinutes: 50,
      billableMinutes: 0,
      quantity: 0,
      amountCents: 0,
      contractId: 'K-1',
    };
    const split = {
      ...billed('W2', 100, REMOTE, '2026-05-05', { id: 'acme', name: 'ACME GmbH' }),
      coveredMinutes: 70,
      billableMinutes: 30,
      quantity: 2,
      amountCents: 7800,
      contractId: 'K-1',
    };
    tally.addEntry(covered);
    tally.addEntry(split);
    tally.addEntry(billed('W3', 60, ONSITE, '2026-05-06', { id: 'acme', name: 'ACME GmbH' }));
    tally.addEntry(billed('W4', 60, ONSITE, '2026-04-06', { id: 'acme', name: 'ACME GmbH' }));
    tally.addEntry(billed('W5', 60, ONSITE, '2026-05-06', { id: 'other', name: 'Other' }));
    const report = tally.report([sl('office-hours', 2, 1), sl('extended', 1, 0)], NOW);
    expect(report.rows.map((r) => r.customerId)).toEqual(['acme']);
    const [row] = report.rows;
    expect(row).toMatchObject({
      contractId: 'K-1',
      monthlyFeeCents: 20_000,
      includedMinutes: 120,
      usedMinutes: 120,
      utilisationPercent: 100,
      // 50 minutes: 4 quarter hours; 100 minutes: 7 started, 2 billed → 5.
      coveredValueCents: 4 * 3900 + 5 * 3900,
      billedCents: 7800 + 14_500,
      valueLessFeeCents: 9 * 3900 - 20_000,
      serviceLevels: {
        tickets: 4,
        firstResponsesMet: 3,
        firstResponsesBreached: 1,
        resolutionsMet: 3,
        resolutionsBreached: 1,
      },
    });
    expect(row?.trend.map((m) => m.month)).toEqual(monthsEndingWith('2026-05', 12));
    // Before the contract began nothing was included; April had billed work only.
    expect(row?.trend.find((m) => m.month === '2026-02')).toEqual({
      month: '2026-02',
      includedMinutes: 0,
      usedMinutes: 0,
      coveredValueCents: 0,
      billedCents: 0,
    });
    expect(row?.trend.find((m) => m.month === '2026-03')?.includedMinutes).toBe(120);
    expect(row?.trend.find((m) => m.month === '2026-04')).toMatchObject({
      usedMinutes: 0,
      billedCents: 14_500,
    });
  });

  it('leaves fee, value less fee and utilisation empty where the contract names none', () => {
    const tally = new ContractTally('2026-05');
    tally.addCustomer({
      ...acme,
      contract: {
        ...(acme.contract as Contract),
        monthlyFeeCents: undefined,
        includedMinutesPerMonth: 0,
      },
    });
    const [row] = tally.report([], NOW).rows;
    expect(row).toMatchObject({
      monthlyFeeCents: null,
      valueLessFeeCents: null,
      utilisationPercent: null,
    });
    const csv = contractReportCsvRow('2026-05', row as NonNullable<typeof row>, true);
    expect(csv).toMatchObject({
      monthlyFee: '',
      valueLessFee: '',
      utilisationPercent: '',
      billed: '0,00',
    });
  });
});
