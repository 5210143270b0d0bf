import { beforeAll, describe, expect, it } from 'vitest';
import { berlinMonth } from '../../functions/domain/calendar';
import { previousMonth } from '../../functions/domain/billing-export';
import { OPEN_CONTRACT, useStack } from './harness';

const WHOLE_DAY = [['00:00', '24:00']];
const aroundTheClock = {
  name: 'Rund um die Uhr',
  timeZone: 'Europe/Berlin',
  region: 'none',
  businessHours: {
    mon: WHOLE_DAY,
    tue: WHOLE_DAY,
    wed: WHOLE_DAY,
    thu: WHOLE_DAY,
    fri: WHOLE_DAY,
    sat: WHOLE_DAY,
    sun: WHOLE_DAY,
  },
  targets: {
    critical: { firstResponseMinutes: 15, resolutionMinutes: 120 },
    high: { firstResponseMinutes: 30, resolutionMinutes: 240 },
    normal: { firstResponseMinutes: 60, resolutionMinutes: 480 },
    low: { firstResponseMinutes: 240, resolutionMinutes: 2400 },
  },
};

interface Row {
  customerId: string;
  customerName: string;
  planId: string;
  tickets: number;
  firstResponsesMet: number;
  firstResponsesBreached: number;
  firstResponsesPending: number;
  resolutionsMet: number;
  resolutionsBreached: number;
  resolutionsOpen: number;
  medianFirstResponseBusinessMinutes: number | null;
}

describe('the monthly service-level report', () => {
  const { api, tokens } = useStack({
    admin: { sub: 'root', groups: ['admins'] },
    agent: { sub: 'alice', groups: ['agents'] },
  });
  const month = berlinMonth(new Date());

  beforeAll(async () => {
    await api.request('PUT', '/service-levels/always', {
      token: tokens.admin,
      body: aroundTheClock,
    });
    const customer = (id: string, name: string, domain: string, contract?: object) =>
      api.request('PUT', `/customers/${id}`, {
        token: tokens.admin,
        body: { name, domains: [domain], contacts: [], ...(contract ? { contract } : {}) },
      });
    await customer('acme', 'ACME', 'acme.example', { ...OPEN_CONTRACT, serviceLevel: 'always' });
    await customer('quiet', '=Quiet GmbH', 'quiet.example', OPEN_CONTRACT);
    await customer('ended', 'Ended AG', 'ended.example', {
      ...OPEN_CONTRACT,
      validFrom: '2020-01-01',
      validTo: '2020-12-31',
    });
    await customer('plain', 'Plain KG', 'plain.example');

    // ACME: three tickets; two answered, one of them resolved.
    const tickets = [];
    for (const severity of ['critical', 'high', 'normal']) {
      tickets.push(await api.submit({ email: 'ops@acme.example', severity }));
    }
    for (const t of tickets.slice(0, 2)) {
      await api.request('PATCH', `/tickets/${t.ticketId}`, {
        token: tokens.agent,
        body: { status: 'in_progress' },
      });
      await api.request('POST', `/tickets/${t.ticketId}/messages`, {
        token: tokens.agent,
        body: { body: 'Wir sind dran.' },
      });
    }
    await api.request('PATCH', `/tickets/${tickets[0]?.ticketId}`, {
      token: tokens.agent,
      body: { status: 'resolved' },
    });
    // Standard tickets: one taken, one still waiting.
    const standard = await api.submit({ email: 'x@plain.example' });
    await api.submit({ email: 'y@elsewhere.example' });
    await api.request('PATCH', `/tickets/${standard.ticketId}`, {
      token: tokens.agent,
      body: { status: 'in_progress' },
    });
  });

  it('lists every contract customer of the month, with zeros where nothing happened', async () => {
    const response = await api.request('GET', `/reports/service-levels?month=${month}`, {
      token: tokens.admin,
    });
    expect(response.status).toBe(200);
    const rows = response.json.rows as Row[];
    expect(rows.map((r) => r.customerId)).toEqual(['quiet', 'acme']);
    const acme = rows.find((r) => r.customerId === 'acme') as Row;
    expect(acme).toMatchObject({
      planId: 'always',
      tickets: 3,
      firstResponsesMet: 2,
      firstResponsesBreached: 0,
      firstResponsesPending: 1,
      resolutionsMet: 1,
      resolutionsBreached: 0,
      resolutionsOpen: 2,
    });
    // Answered within seconds of receipt: well under a minute of business time.
    expect(acme.medianFirstResponseBusinessMinutes).toBeGreaterThanOrEqual(0);
    expect(acme.medianFirstResponseBusinessMinutes).toBeLessThan(1);
    expect(rows.find((r) => r.customerId === 'quiet')).toMatchObject({
      planId: 'office-hours',
      tickets: 0,
      firstResponsesMet: 0,
      resolutionsMet: 0,
      medianFirstResponseBusinessMinutes: null,
    });
    expect(response.json.waitingTime).toMatchObject({
      contract: { tickets: 3, attended: 2 },
      standard: { tickets: 2, attended: 1 },
    });
  });

  it('counts a ticket in the month of its receipt: the month before has the customers, no tickets', async () => {
    const before = previousMonth(`${month}-01`);
    const response = await api.request('GET', `/reports/service-levels?month=${before}`, {
      token: tokens.admin,
    });
    const rows = response.json.rows as Row[];
    expect(rows.map((r) => [r.customerId, r.tickets])).toEqual([
      ['quiet', 0],
      ['acme', 0],
    ]);
    expect(response.json.waitingTime).toMatchObject({ standard: { tickets: 0, attended: 0 } });
  });

  it('answers CSV with formulas defused', async () => {
    const response = await api.request('GET', `/reports/service-levels?month=${month}&format=csv`, {
      token: tokens.admin,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const lines = response.text.trim().split('\n');
    expect(lines[0]).toBe(
      'month,group,customerId,customerName,planId,tickets,firstResponsesMet,firstResponsesBreached,firstResponsesPending,resolutionsMet,resolutionsBreached,resolutionsOpen,medianFirstResponseBusinessMinutes,medianWaitingMinutes',
    );
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(new RegExp(`^${month},contract,quiet,'=Quiet GmbH,office-hours,0,`));
    expect(lines[3]).toMatch(new RegExp(`^${month},standard,,,,2,`));
  });

  it('is for admins, sales and finance; a bad month is a 400', async () => {
    for (const groups of [['sales'], ['finance'], ['admins']]) {
      const token = await api.token('someone', groups);
      expect(
        (await api.request('GET', `/reports/service-levels?month=${month}`, { token })).status,
      ).toBe(200);
    }
    expect(
      (await api.request('GET', `/reports/service-levels?month=${month}`, { token: tokens.agent }))
        .status,
    ).toBe(403);
    expect((await api.request('GET', `/reports/service-levels?month=${month}`)).status).toBe(401);
    for (const query of [
      'month=2026-13',
      'month=2026-1',
      '',
      `month=${month}&format=xml`,
      `month=${month}&x=1`,
    ]) {
      const response = await api.request('GET', `/reports/service-levels?${query}`, {
        token: tokens.admin,
      });
      expect(response.status, query).toBe(400);
    }
  });
});
