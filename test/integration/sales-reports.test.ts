import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { berlinMonth } from '../../functions/domain/calendar';
import { DEFAULT_REFERENCE_CONTRACT } from '../../functions/domain/sales';
import { OPEN_CONTRACT, useStack } from './harness';

interface ContractRow {
  customerId: string;
  monthlyFeeCents: number | null;
  includedMinutes: number;
  usedMinutes: number;
  utilisationPercent: number | null;
  coveredValueCents: number;
  billedCents: number;
  valueLessFeeCents: number | null;
  serviceLevels: { tickets: number };
  trend: { month: string; usedMinutes: number; billedCents: number }[];
}

interface UpsellRow {
  rank: number;
  customerId: string | null;
  name: string;
  domain: string | null;
  billedCents: number;
  tickets: Record<string, number>;
  referenceCostCents: number;
  savingCents: number;
}

describe('sales reports through HTTP', () => {
  const { api, tokens } = useStack({
    admin: { sub: 'root', groups: ['admins'] },
    agent: { sub: 'alice', groups: ['agents'] },
    sales: { sub: 'sven', groups: ['sales'] },
    finance: { sub: 'fiona', groups: ['finance'] },
  });
  const month = berlinMonth(new Date());

  async function work(ticketId: string, minutes: number, serviceCode: string): Promise<void> {
    const response = await api.request('POST', `/tickets/${ticketId}/work`, {
      token: tokens.agent,
      body: { minutes, serviceCode, description: 'Fernwartung' },
    });
    expect(response.status).toBe(201);
  }

  beforeAll(async () => {
    const saved = await api.request('PUT', '/customers/acme', {
      token: tokens.admin,
      body: {
        name: 'ACME GmbH',
        domains: ['acme.example'],
        contacts: [],
        contract: { ...OPEN_CONTRACT, includedMinutesPerMonth: 60, monthlyFeeCents: 20_000 },
      },
    });
    expect(saved.status).toBe(201);
    await api.request('PUT', '/customers/shop', {
      token: tokens.admin,
      body: { name: 'Shop KG', domains: ['shop.example'], contacts: [] },
    });

    const acme = await api.submit({ email: 'ops@acme.example' });
    await work(acme.ticketId, 50, 'REMOTE'); // covered: 4 quarter hours' worth
    await work(acme.ticketId, 30, 'REMOTE'); // 10 covered, 20 billed: 2 quarter hours
    await work(acme.ticketId, 60, 'ONSITE'); // not covered: 1 hour
    const shop = await api.submit({ email: 'anna@shop.example', severity: 'critical' });
    await api.submit({ email: 'ben@shop.example', severity: 'low' });
    await work(shop.ticketId, 90, 'ONSITE'); // 2 hours
    const praxis = await api.submit({ email: 'dr.weber@praxis.example', severity: 'high' });
    await work(praxis.ticketId, 20, 'REMOTE'); // 2 quarter hours
  }, 60_000);

  afterAll(async () => {});

  it('gives sales each contract customer’s month: fee, use, value at list prices, billed beyond, service levels', async () => {
    const response = await api.request('GET', `/reports/contracts?month=${month}`, {
      token: tokens.sales,
    });
    expect(response.status).toBe(200);
    const rows = response.json.rows as ContractRow[];
    expect(rows.map((r) => r.customerId)).toEqual(['acme']);
    expect(rows[0]).toMatchObject({
      monthlyFeeCents: 20_000,
      includedMinutes: 60,
      usedMinutes: 60,
      utilisationPercent: 100,
      coveredValueCents: 4 * 3900,
      billedCents: 2 * 3900 + 14_500,
      valueLessFeeCents: 4 * 3900 - 20_000,
      serviceLevels: { tickets: 1 },
    });
    expect(rows[0]?.trend).toHaveLength(12);
    expect(rows[0]?.trend.at(-1)).toMatchObject({ month, usedMinutes: 60 });
    expect(
      rows[0]?.trend.slice(0, 11).every((m) => m.usedMinutes === 0 && m.billedCents === 0),
    ).toBe(true);
  });

  it('ranks customers without a contract by what they were billed, senders without a record by domain', async () => {
    const response = await api.request('GET', '/reports/upsell?months=3', { token: tokens.sales });
    expect(response.status).toBe(200);
    expect(response.json.reference).toEqual(DEFAULT_REFERENCE_CONTRACT);
    const rows = response.json.rows as UpsellRow[];
    expect(rows.map((r) => [r.rank, r.customerId, r.name, r.domain, r.billedCents])).toEqual([
      [1, 'shop', 'Shop KG', null, 2 * 14_500],
      [2, null, 'praxis.example', 'praxis.example', 2 * 3900],
    ]);
    expect(rows[0]?.tickets).toEqual({ critical: 1, high: 0, normal: 0, low: 1, total: 2 });
    // ONSITE is not covered by the default reference: three months' fees on top of the bill.
    expect(rows[0]?.referenceCostCents).toBe(
      3 * DEFAULT_REFERENCE_CONTRACT.monthlyFeeCents + 2 * 14_500,
    );
    expect(rows[1]?.savingCents).toBe(2 * 3900 - 3 * DEFAULT_REFERENCE_CONTRACT.monthlyFeeCents);
  });

  it('downloads both reports as CSV and German-Excel CSV', async () => {
    const csv = await api.request('GET', `/reports/contracts?month=${month}&format=csv`, {
      token: tokens.finance,
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe(
      `attachment; filename="contracts-${month}.csv"`,
    );
    expect(csv.text.split('\n')[0]).toMatch(/^month,customerId,customerName,contractId,/);
    expect(csv.text).toContain(
      `${month},acme,ACME GmbH,SV-2020-001,20000,200.00,60,60,100,15600,156.00,`,
    );
    const excel = await api.request('GET', '/reports/upsell?months=1&format=excel', {
      token: tokens.admin,
    });
    expect(excel.status).toBe(200);
    // fetch's text() drops the byte order mark; the raw bytes keep it.
    const raw = await fetch(`${api.stack.apiUrl}/reports/upsell?months=1&format=excel`, {
      headers: { authorization: `Bearer ${tokens.admin}` },
    });
    expect([...new Uint8Array(await raw.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(excel.text.startsWith('rank;customerId;name;')).toBe(true);
    expect(excel.text).toContain(
      `\r\n1;shop;Shop KG;;${month};${month};1;1;90;29000;290,00;1;0;0;1;2;`,
    );
  });

  it('refuses agents (403), callers without a token (401) and bad queries (400)', async () => {
    for (const path of [
      `/reports/contracts?month=${month}`,
      '/reports/upsell',
      '/reports/reference-contract',
    ]) {
      expect((await api.request('GET', path, { token: tokens.agent })).status).toBe(403);
      expect((await api.request('GET', path)).status).toBe(401);
    }
    expect((await api.request('GET', '/reports/upsell', { token: tokens.finance })).status).toBe(
      403,
    );
    for (const query of [
      'month=2026-13',
      'month=2026-1',
      `month=${month}&format=xlsx`,
      `month=${month}&extra=1`,
      `month=${month}&__proto__=1`,
    ]) {
      const response = await api.request('GET', `/reports/contracts?${query}`, {
        token: tokens.sales,
      });
      expect(response.status, query).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
    for (const months of ['0', '37', '1.5', '-2', 'twelve', '1e3']) {
      const response = await api.request('GET', `/reports/upsell?months=${months}`, {
        token: tokens.sales,
      });
      expect(response.status, months).toBe(400);
      expect((response.json.errors as { field: string }[])[0]?.field).toBe('query.months');
    }
  });

  it('lets admins, and only admins, change the reference contract; the next report uses it', async () => {
    const reference = {
      monthlyFeeCents: 5000,
      includedMinutesPerMonth: 120,
      coveredServiceCodes: ['REMOTE', 'ONSITE'],
    };
    expect(
      (
        await api.request('PUT', '/reports/reference-contract', {
          token: tokens.sales,
          body: reference,
        })
      ).status,
    ).toBe(403);
    for (const bad of [
      { ...reference, monthlyFeeCents: -1 },
      { ...reference, monthlyFeeCents: 12.5 },
      { ...reference, coveredServiceCodes: ['REMOTE', 'REMOTE'] },
      { ...reference, coveredServiceCodes: ['=cmd'] },
      { ...reference, extra: true },
      {},
    ]) {
      const response = await api.request('PUT', '/reports/reference-contract', {
        token: tokens.admin,
        body: bad,
      });
      expect(response.status).toBe(400);
    }
    expect(
      (await api.request('GET', '/reports/reference-contract', { token: tokens.sales })).json,
    ).toEqual(DEFAULT_REFERENCE_CONTRACT);
    const put = await api.request('PUT', '/reports/reference-contract', {
      token: tokens.admin,
      body: reference,
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject(reference);
    const rows = (await api.request('GET', '/reports/upsell?months=1', { token: tokens.sales }))
      .json.rows as UpsellRow[];
    // Shop's 90 minutes on site are covered now: only the fee is left.
    expect(rows.find((r) => r.customerId === 'shop')).toMatchObject({
      referenceCostCents: 5000,
      savingCents: 2 * 14_500 - 5000,
    });
  });

  it('keeps a contract’s monthly fee, and refuses one that is no amount in cents', async () => {
    const customer = await api.request('GET', '/customers/acme', { token: tokens.admin });
    expect((customer.json.contract as { monthlyFeeCents: number }).monthlyFeeCents).toBe(20_000);
    for (const fee of [-100, 1.5, '200', 1e12]) {
      const response = await api.request('PUT', '/customers/acme', {
        token: tokens.admin,
        body: {
          name: 'ACME GmbH',
          domains: ['acme.example'],
          contacts: [],
          contract: { ...OPEN_CONTRACT, monthlyFeeCents: fee },
        },
      });
      expect(response.status).toBe(400);
      expect((response.json.errors as { field: string }[])[0]?.field).toBe(
        'body.contract.monthlyFeeCents',
      );
    }
  });
});
