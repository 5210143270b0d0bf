import { describe, expect, it } from 'vitest';
import { OPEN_CONTRACT, useStack } from './harness';

const plan = {
  name: 'Bayern, Werktage 08–12 und 13–17',
  timeZone: 'Europe/Berlin',
  region: 'DE-BY',
  businessHours: {
    mon: [
      ['08:00', '12:00'],
      ['13:00', '17:00'],
    ],
    tue: [['08:00', '17:00']],
    wed: [['08:00', '17:00']],
    thu: [['08:00', '17:00']],
    fri: [['08:00', '15:00']],
    sat: [],
    sun: [],
  },
  closedDates: ['2026-12-24', '2026-08-15'],
  targets: {
    critical: { firstResponseMinutes: 30, resolutionMinutes: 240 },
    high: { firstResponseMinutes: 60, resolutionMinutes: 480 },
    normal: { firstResponseMinutes: 240, resolutionMinutes: 2400 },
    low: { firstResponseMinutes: 480, resolutionMinutes: 4800 },
  },
};

describe('service-level plans', () => {
  const { api, tokens } = useStack({
    admin: { sub: 'root', groups: ['admins'] },
    agent: { sub: 'alice', groups: ['agents'] },
    sales: { sub: 'sam', groups: ['sales'] },
    finance: { sub: 'fin', groups: ['finance'] },
  });

  it('ships at least two default plans that agents, finance and sales can read', async () => {
    for (const token of [tokens.admin, tokens.agent, tokens.sales, tokens.finance]) {
      const list = await api.request('GET', '/service-levels', { token });
      expect(list.status).toBe(200);
      const ids = (list.json.items as { planId: string }[]).map((p) => p.planId);
      expect(ids).toEqual(expect.arrayContaining(['office-hours', 'extended']));
      expect(list.json.defaultPlanId).toBe('office-hours');
    }
    const one = await api.request('GET', '/service-levels/office-hours', { token: tokens.sales });
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ timeZone: 'Europe/Berlin', region: 'DE' });
    expect((await api.request('GET', '/service-levels/nope', { token: tokens.agent })).status).toBe(
      404,
    );
  });

  it('admins create (201) and replace (200) a plan; others may not', async () => {
    expect(
      (await api.request('PUT', '/service-levels/bayern', { token: tokens.agent, body: plan }))
        .status,
    ).toBe(403);
    expect(
      (await api.request('PUT', '/service-levels/bayern', { token: tokens.sales, body: plan }))
        .status,
    ).toBe(403);
    const created = await api.request('PUT', '/service-levels/bayern', {
      token: tokens.admin,
      body: plan,
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      planId: 'bayern',
      ...plan,
      closedDates: ['2026-08-15', '2026-12-24'],
    });
    const replaced = await api.request('PUT', '/service-levels/bayern', {
      token: tokens.admin,
      body: { ...plan, name: 'Bayern' },
    });
    expect(replaced.status).toBe(200);
    const read = await api.request('GET', '/service-levels/bayern', { token: tokens.agent });
    expect(read.json.name).toBe('Bayern');
    const list = await api.request('GET', '/service-levels', { token: tokens.agent });
    expect((list.json.items as { planId: string }[]).map((p) => p.planId)).toContain('bayern');
  });

  it('refuses bad plans with a 400 naming the field, and stores nothing', async () => {
    const bad: [string, unknown, string][] = [
      [
        'hours out of order',
        { ...plan, businessHours: { ...plan.businessHours, tue: [['17:00', '08:00']] } },
        'body.businessHours.tue.0',
      ],
      [
        'overlapping',
        {
          ...plan,
          businessHours: {
            ...plan.businessHours,
            mon: [
              ['08:00', '12:00'],
              ['11:00', '13:00'],
            ],
          },
        },
        'body.businessHours.mon.1',
      ],
      [
        '25:00',
        { ...plan, businessHours: { ...plan.businessHours, wed: [['08:00', '25:00']] } },
        'body.businessHours.wed.0.1',
      ],
      [
        '24:30',
        { ...plan, businessHours: { ...plan.businessHours, wed: [['08:00', '24:30']] } },
        'body.businessHours.wed.0.1',
      ],
      [
        'a missing day',
        { ...plan, businessHours: { ...plan.businessHours, sun: undefined } },
        'body.businessHours.sun',
      ],
      [
        'an unknown day',
        { ...plan, businessHours: { ...plan.businessHours, son: [] } },
        'body.businessHours.son',
      ],
      [
        'never open',
        {
          ...plan,
          businessHours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
        },
        'body.businessHours',
      ],
      ['unknown region', { ...plan, region: 'DE-XX' }, 'body.region'],
      ['Austria', { ...plan, region: 'AT' }, 'body.region'],
      ['bad time zone', { ...plan, timeZone: 'Europe/Bärlin' }, 'body.timeZone'],
      ['bad closed date', { ...plan, closedDates: ['2026-02-30'] }, 'body.closedDates.0'],
      [
        'zero minutes',
        {
          ...plan,
          targets: { ...plan.targets, low: { firstResponseMinutes: 0, resolutionMinutes: 10 } },
        },
        'body.targets.low.firstResponseMinutes',
      ],
      [
        'fractional minutes',
        {
          ...plan,
          targets: { ...plan.targets, low: { firstResponseMinutes: 1.5, resolutionMinutes: 10 } },
        },
        'body.targets.low.firstResponseMinutes',
      ],
      [
        'response after resolution',
        {
          ...plan,
          targets: { ...plan.targets, high: { firstResponseMinutes: 600, resolutionMinutes: 60 } },
        },
        'body.targets.high.firstResponseMinutes',
      ],
      [
        'a missing severity',
        { ...plan, targets: { ...plan.targets, critical: undefined } },
        'body.targets.critical',
      ],
      ['an unknown field', { ...plan, slaPoints: 3 }, 'body.slaPoints'],
    ];
    for (const [what, body, field] of bad) {
      const response = await api.request('PUT', '/service-levels/broken', {
        token: tokens.admin,
        body,
      });
      expect(response.status, what).toBe(400);
      expect(response.headers.get('content-type'), what).toContain('application/problem+json');
      expect(
        (response.json.errors as { field: string }[]).map((e) => e.field),
        what,
      ).toContain(field);
    }
    expect(
      (await api.request('PUT', '/service-levels/Bad_Id', { token: tokens.admin, body: plan }))
        .status,
    ).toBe(400);
    expect(
      (await api.request('GET', '/service-levels/broken', { token: tokens.admin })).status,
    ).toBe(404);
  });

  it('a contract names its plan; an unknown plan is a 400 and stores no customer', async () => {
    const unknown = await api.request('PUT', '/customers/acme', {
      token: tokens.admin,
      body: {
        name: 'ACME',
        domains: ['acme.example'],
        contacts: [],
        contract: { ...OPEN_CONTRACT, serviceLevel: 'gold' },
      },
    });
    expect(unknown.status).toBe(400);
    expect((unknown.json.errors as { field: string }[])[0]?.field).toBe(
      'body.contract.serviceLevel',
    );
    expect((await api.request('GET', '/customers/acme', { token: tokens.admin })).status).toBe(404);
    const known = await api.request('PUT', '/customers/acme', {
      token: tokens.admin,
      body: {
        name: 'ACME',
        domains: ['acme.example'],
        contacts: [],
        contract: { ...OPEN_CONTRACT, serviceLevel: 'extended' },
      },
    });
    expect(known.status).toBe(201);
    expect((known.json.contract as { serviceLevel: string }).serviceLevel).toBe('extended');
  });
});
