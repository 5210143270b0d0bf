import { describe, expect, it } from 'vitest';
import {
  contractReport,
  contractReportChunks,
  replaceReferenceContract,
  type SalesReportDeps,
  upsellReport,
  upsellReportChunks,
} from '../../../functions/app/sales-reports';
import type { ReferenceContractStore } from '../../../functions/app/ports';
import {
  DEFAULT_REFERENCE_CONTRACT,
  monthsEndingWith,
  type ReferenceContract,
} from '../../../functions/domain/sales';
import { ValidationError } from '../../../functions/domain/errors';
import { aTicket, FakeClock, InMemoryServiceLevelPlans, InMemoryTicketRepository } from '../fakes';
import {
  aWorkEntry,
  CountingCustomerRepository,
  InMemoryWorkEntryRepository,
} from '../billing/billing-fakes';

class InMemoryReferenceContracts implements ReferenceContractStore {
  stored: ReferenceContract | undefined;
  async get() {
    return this.stored ?? DEFAULT_REFERENCE_CONTRACT;
  }
  async put(reference: ReferenceContract) {
    this.stored = reference;
  }
}

function deps(now = '2026-05-20T10:00:00.000Z') {
  const d = {
    tickets: new InMemoryTicketRepository(),
    customers: new CountingCustomerRepository(),
    serviceLevels: new InMemoryServiceLevelPlans(),
    clock: new FakeClock(now),
    workEntries: new InMemoryWorkEntryRepository(2),
    referenceContracts: new InMemoryReferenceContracts(),
  };
  return d satisfies SalesReportDeps;
}

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let all = '';
  for await (const chunk of chunks) all += chunk;
  return all;
}

describe('the upsell report', () => {
  it('reads each month of the period once from the billing index and fetches each customer once', async () => {
    const d = deps();
    await d.customers.save({ customerId: 'shop', name: 'Shop KG', domains: [], contacts: [] });
    for (const [id, date] of [
      ['W1', '2026-03-02'],
      ['W2', '2026-03-03'],
      ['W3', '2026-03-04'],
      ['W4', '2026-05-04'],
    ] as const) {
      d.workEntries.seed(
        aWorkEntry({ entryId: id, date, customer: { id: 'shop', name: 'old name' } }),
      );
    }
    d.tickets.seed(
      aTicket({
        ticketId: 'T-1',
        customer: { id: 'shop', name: 'Shop KG' },
        severity: 'critical',
        receivedAt: '2026-03-02T08:00:00Z',
      }),
      aTicket({
        ticketId: 'T-2',
        customer: { id: 'shop', name: 'Shop KG' },
        group: 'contract',
        receivedAt: '2026-03-02T08:00:00Z',
      }),
    );
    const report = await upsellReport(d, 3);
    expect(report.months).toEqual(['2026-03', '2026-04', '2026-05']);
    expect(d.workEntries.monthQueries).toEqual(report.months);
    expect(d.customers.getManyCalls).toEqual([['shop']]);
    expect(report.rows).toHaveLength(1);
    expect(report.rows[0]).toMatchObject({
      name: 'Shop KG',
      entries: 4,
      billedCents: 4 * 7800,
      tickets: { critical: 1, total: 1 },
      referenceFeesCents: 3 * DEFAULT_REFERENCE_CONTRACT.monthlyFeeCents,
    });
  });

  it('refuses a period it does not offer', async () => {
    await expect(upsellReport(deps(), 0)).rejects.toBeInstanceOf(ValidationError);
    await expect(upsellReport(deps(), 37)).rejects.toBeInstanceOf(ValidationError);
  });

  it('uses the reference contract an admin stored', async () => {
    const d = deps();
    const stored = await replaceReferenceContract(d, {
      monthlyFeeCents: 1,
      includedMinutesPerMonth: 0,
      coveredServiceCodes: [],
    });
    expect(stored.updatedAt).toBe('2026-05-20T10:00:00.000Z');
    d.workEntries.seed(aWorkEntry({ entryId: 'W1', date: '2026-05-02' }));
    const report = await upsellReport(d, 1);
    expect(report.reference).toEqual(stored);
    expect(report.rows[0]).toMatchObject({ referenceCostCents: 1 + 7800, savingCents: -1 });
  });

  it('downloads as German-Excel CSV and as JSON', async () => {
    const d = deps();
    d.workEntries.seed(
      aWorkEntry({
        entryId: 'W1',
        date: '2026-05-02',
        customer: { id: null, name: 'a@b.example' },
      }),
    );
    const report = await upsellReport(d, 1);
    const excel = await text(upsellReportChunks(report, 'excel'));
    expect(excel.startsWith('\uFEFFrank;customerId;name;domain;')).toBe(true);
    expect(excel).toContain('\r\n1;;b.example;b.example;2026-05;2026-05;1;1;30;7800;78,00;');
    expect(JSON.parse(await text(upsellReportChunks(report, 'json')))).toEqual(
      JSON.parse(JSON.stringify(report)),
    );
  });
});

describe('the contract report', () => {
  it('reads the 12 months from both partitions of the billing index, one query each', async () => {
    const d = deps();
    await d.customers.save({
      customerId: 'acme',
      name: 'ACME',
      domains: [],
      contacts: [],
      contract: {
        id: 'K',
        validFrom: '2025-01-01',
        includedMinutesPerMonth: 60,
        coveredServiceCodes: ['REMOTE'],
        monthlyFeeCents: 5000,
      },
    });
    d.workEntries.seed(
      aWorkEntry({
        entryId: 'W1',
        date: '2026-05-02',
        coveredMinutes: 30,
        billableMinutes: 0,
        quantity: 0,
        amountCents: 0,
        contractId: 'K',
        customer: { id: 'acme', name: 'ACME' },
      }),
      aWorkEntry({ entryId: 'W2', date: '2025-07-02', customer: { id: 'acme', name: 'ACME' } }),
    );
    const report = await contractReport(d, '2026-05');
    const months = monthsEndingWith('2026-05', 12);
    expect(d.workEntries.monthQueries).toEqual(months);
    expect(d.workEntries.coveredMonthQueries).toEqual(months);
    expect(report.rows[0]).toMatchObject({
      usedMinutes: 30,
      coveredValueCents: 7800,
      billedCents: 0,
    });
    expect(report.rows[0]?.trend.find((m) => m.month === '2025-07')?.billedCents).toBe(7800);
    const csv = await text(contractReportChunks(report, 'csv'));
    expect(csv.split('\n')[1]).toBe(
      '2026-05,acme,ACME,K,5000,50.00,60,30,50,7800,78.00,0,0.00,2800,28.00,0,0,0,0,0,EUR',
    );
  });
});
