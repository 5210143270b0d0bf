import { beforeAll, describe, expect, it } from 'vitest';
import { berlinDay } from '../../functions/domain/calendar';
import { useStack } from './harness';

describe('billing: price list, work entries, contract coverage, monthly export', () => {
  const { api, tokens } = useStack({
    agent: { sub: 'alice', groups: ['agents'] },
    admin: { sub: 'root', groups: ['admins'] },
    finance: { sub: 'fiona', groups: ['finance'] },
  });
  const today = berlinDay(new Date());
  const month = today.slice(0, 7);

  beforeAll(async () => {
    await api.request('PUT', '/customers/acme', {
      token: tokens.admin,
      body: {
        name: 'ACME; "Werke" GmbH',
        domains: ['acme.example'],
        contract: {
          id: 'SV-ACME',
          validFrom: '2020-01-01',
          includedMinutesPerMonth: 60,
          coveredServiceCodes: ['REMOTE', 'PHONE'],
        },
      },
    });
    await api.request('PUT', '/customers/racers', {
      token: tokens.admin,
      body: {
        name: 'Racers AG',
        domains: ['racers.example'],
        contract: {
          id: 'SV-RACE',
          validFrom: '2020-01-01',
          includedMinutesPerMonth: 120,
          coveredServiceCodes: ['REMOTE'],
        },
      },
    });
  });

  const work = (ticketId: string, body: Record<string, unknown>, headers = {}) =>
    api.request('POST', `/tickets/${ticketId}/work`, { token: tokens.agent, body, headers });

  it('serves the shipped German price list to agents, finance and admins', async () => {
    for (const token of [tokens.agent, tokens.finance, tokens.admin]) {
      const response = await api.request('GET', '/price-list', { token });
      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({ version: 0, currency: 'EUR' });
    }
    const services = (await api.request('GET', '/price-list', { token: tokens.agent })).json
      .services as {
      code: string;
      unit: string;
    }[];
    expect(services.find((s) => s.code === 'REMOTE')?.unit).toBe('quarter_hour');
    expect(services.find((s) => s.code === 'ONSITE')?.unit).toBe('hour');
    expect(services.find((s) => s.code === 'TRAVEL')?.unit).toBe('flat');
  });

  it('bills a standard customer everything, per started unit', async () => {
    const ticket = await api.submit({ email: 'kim@nocontract.example' });
    const remote = await work(ticket.ticketId, {
      minutes: 20,
      serviceCode: 'REMOTE',
      description: 'Fernwartung',
    });
    expect(remote.status).toBe(201);
    expect(remote.json).toMatchObject({
      coveredMinutes: 0,
      billableMinutes: 20,
      quantity: 2,
      unitPriceCents: 3900,
      amountCents: 7800,
      currency: 'EUR',
    });
    const travel = await work(ticket.ticketId, {
      minutes: 45,
      serviceCode: 'TRAVEL',
      description: 'Anfahrt',
    });
    expect(travel.json).toMatchObject({ quantity: 1, amountCents: 8900 });
    const onsite = await work(ticket.ticketId, {
      minutes: 61,
      serviceCode: 'ONSITE',
      description: 'Vor Ort',
    });
    expect(onsite.json).toMatchObject({ quantity: 2, amountCents: 29000 });
  });

  it('covers contract services from the included minutes and splits the entry that crosses them', async () => {
    const ticket = await api.submit({ email: 'ops@acme.example' });
    const first = await work(ticket.ticketId, {
      minutes: 50,
      serviceCode: 'REMOTE',
      description: 'a',
    });
    expect(first.json).toMatchObject({
      coveredMinutes: 50,
      billableMinutes: 0,
      quantity: 0,
      amountCents: 0,
      contractId: 'SV-ACME',
    });
    const split = await work(ticket.ticketId, {
      minutes: 20,
      serviceCode: 'PHONE',
      description: 'b',
    });
    expect(split.json).toMatchObject({
      coveredMinutes: 10,
      billableMinutes: 10,
      quantity: 1,
      amountCents: 3200,
    });
    const notCovered = await work(ticket.ticketId, {
      minutes: 30,
      serviceCode: 'ONSITE',
      description: 'c',
    });
    expect(notCovered.json).toMatchObject({
      coveredMinutes: 0,
      billableMinutes: 30,
      quantity: 1,
      amountCents: 14500,
    });
    // Last month's allowance is its own.
    const lastMonthDay = `${month === `${today.slice(0, 4)}-01` ? Number(today.slice(0, 4)) - 1 : today.slice(0, 4)}-${month.endsWith('-01') ? '12' : String(Number(month.slice(5)) - 1).padStart(2, '0')}-15`;
    const earlier = await work(ticket.ticketId, {
      minutes: 30,
      serviceCode: 'REMOTE',
      description: 'd',
      date: lastMonthDay,
    });
    expect(earlier.json).toMatchObject({ coveredMinutes: 30, amountCents: 0, date: lastMonthDay });
  });

  it('never gives two of 20 concurrent entries the same included minutes, and loses none', async () => {
    const ticket = await api.submit({ email: 'pit@racers.example' });
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        work(ticket.ticketId, { minutes: 10, serviceCode: 'REMOTE', description: `Lauf ${i}` }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    const covered = responses.reduce((sum, r) => sum + Number(r.json.coveredMinutes), 0);
    const billable = responses.reduce((sum, r) => sum + Number(r.json.billableMinutes), 0);
    expect(covered).toBe(120);
    expect(billable).toBe(80);
    expect(new Set(responses.map((r) => r.json.entryId)).size).toBe(20);
  });

  it('records a retried entry once with the same Idempotency-Key', async () => {
    const ticket = await api.submit({ email: 'retry@nocontract.example' });
    const headers = { 'idempotency-key': 'work-42' };
    const body = { minutes: 5, serviceCode: 'ANALYSIS', description: 'Logs' };
    const first = await work(ticket.ticketId, body, headers);
    const again = await work(ticket.ticketId, body, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.json.entryId).toBe(first.json.entryId);
    expect(first.json).toMatchObject({ quantity: 5, amountCents: 1300 });
  });

  it('refuses bad work input with 4xx and records nothing', async () => {
    const ticket = await api.submit({ email: 'bad@nocontract.example' });
    const cases: [Record<string, unknown>, number, string][] = [
      [{ minutes: 0, serviceCode: 'REMOTE', description: 'x' }, 400, 'body.minutes'],
      [{ minutes: 1.5, serviceCode: 'REMOTE', description: 'x' }, 400, 'body.minutes'],
      [{ minutes: '10', serviceCode: 'REMOTE', description: 'x' }, 400, 'body.minutes'],
      [{ minutes: 10, serviceCode: 'NOPE', description: 'x' }, 400, 'body.serviceCode'],
      [{ minutes: 10, serviceCode: 'REMOTE', description: '' }, 400, 'body.description'],
      [
        { minutes: 10, serviceCode: 'REMOTE', description: 'x', date: '2999-01-01' },
        400,
        'body.date',
      ],
      [
        { minutes: 10, serviceCode: 'REMOTE', description: 'x', date: '2026-02-30' },
        400,
        'body.date',
      ],
    ];
    for (const [body, status, field] of cases) {
      const response = await work(ticket.ticketId, body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect((response.json.errors as { field: string }[]).map((e) => e.field)).toContain(field);
    }
    expect(
      (await work('T-99999', { minutes: 1, serviceCode: 'REMOTE', description: 'x' })).status,
    ).toBe(404);
    const finance403 = await api.request('POST', `/tickets/${ticket.ticketId}/work`, {
      token: tokens.finance,
      body: { minutes: 1, serviceCode: 'REMOTE', description: 'x' },
    });
    expect(finance403.status).toBe(403);
    const view = await api.request('GET', `/tickets/${ticket.ticketId}`, { token: tokens.agent });
    expect(view.json.workEntries).toEqual([]);
  });

  it('lets an admin replace the price list; entries keep the price they were recorded with', async () => {
    const ticket = await api.submit({ email: 'price@nocontract.example' });
    const before = await work(ticket.ticketId, {
      minutes: 15,
      serviceCode: 'REMOTE',
      description: 'alt',
    });
    const current = (await api.request('GET', '/price-list', { token: tokens.admin })).json as {
      version: number;
      services: { code: string; unitPriceCents: number }[];
    };
    const services = current.services.map((s) =>
      s.code === 'REMOTE' ? { ...s, unitPriceCents: 4500 } : s,
    );
    const replaced = await api.request('PUT', '/price-list', {
      token: tokens.admin,
      body: { basedOnVersion: current.version, services },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.json.version).toBe(current.version + 1);
    const stale = await api.request('PUT', '/price-list', {
      token: tokens.admin,
      body: { basedOnVersion: current.version, services },
    });
    expect(stale.status).toBe(409);
    expect(
      (await api.request('PUT', '/price-list', { token: tokens.agent, body: { services } })).status,
    ).toBe(403);
    const invalid = await api.request('PUT', '/price-list', {
      token: tokens.admin,
      body: { services: [...services, services[0]] },
    });
    expect(invalid.status).toBe(400);
    const after = await work(ticket.ticketId, {
      minutes: 15,
      serviceCode: 'REMOTE',
      description: 'neu',
    });
    expect(before.json.unitPriceCents).toBe(3900);
    expect(after.json.unitPriceCents).toBe(4500);
    const view = await api.request('GET', `/tickets/${ticket.ticketId}`, { token: tokens.agent });
    const prices = (view.json.workEntries as { unitPriceCents: number }[]).map(
      (e) => e.unitPriceCents,
    );
    expect(prices.sort()).toEqual([3900, 4500]);
  });

  it('exports the month as CSV in customer, date, entry order, quoting names, with cents and decimals', async () => {
    const response = await api.request('GET', `/exports/billing?month=${month}`, {
      token: tokens.finance,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect(response.headers.get('content-disposition')).toContain(`billing-${month}.csv`);
    const lines = response.text.trim().split('\n');
    expect(lines[0]).toBe(
      'customerId,customerName,ticketId,entryId,workDate,agent,serviceCode,serviceName,minutes,billableMinutes,quantity,unitPriceCents,unitPrice,amountCents,amount,currency,contractId',
    );
    const acme = lines.filter((l) => l.startsWith('acme,'));
    expect(acme.length).toBe(2);
    expect(acme[0]).toContain('"ACME; ""Werke"" GmbH"');
    expect(lines.some((l) => l.includes(',14500,145.00,EUR,'))).toBe(true);
    // Known customers by id, then the senders without a customer.
    const customers = lines.slice(1).map((l) => l.split(',')[0] ?? '');
    const known = customers.filter(Boolean);
    expect(known).toEqual([...known].sort());
    expect(customers).toEqual([...known, ...customers.filter((c) => !c)]);
    // Nothing free is exported.
    expect(lines.slice(1).every((l) => !l.includes(',0,0.00,EUR'))).toBe(true);

    const excel = await api.request('GET', `/exports/billing?month=${month}&format=excel`, {
      token: tokens.finance,
    });
    // fetch's text() drops a byte order mark, so look at the bytes.
    const raw = await fetch(`${api.stack.apiUrl}/exports/billing?month=${month}&format=excel`, {
      headers: { authorization: `Bearer ${tokens.finance}` },
    });
    expect([...new Uint8Array(await raw.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(excel.text).toContain('\r\n');
    expect(excel.text).toContain(';145,00;EUR;');

    const json = await api.request('GET', `/exports/billing?month=${month}&format=json`, {
      token: tokens.finance,
    });
    const totals = json.json.totals as {
      customerId: string | null;
      amountCents: number;
      entries: number;
    }[];
    const racers = totals.find((t) => t.customerId === 'racers');
    expect(racers).toMatchObject({ entries: 8, amountCents: 8 * 3900 });
    expect((json.json.rows as unknown[]).length).toBe(lines.length - 1);
  });

  it('answers export requests only for finance, with a valid month', async () => {
    expect(
      (await api.request('GET', `/exports/billing?month=${month}`, { token: tokens.agent })).status,
    ).toBe(403);
    for (const query of ['', '?month=2026-13', '?month=26-01', `?month=${month}&format=xlsx`]) {
      const response = await api.request('GET', `/exports/billing${query}`, {
        token: tokens.finance,
      });
      expect(response.status, query).toBe(400);
    }
    const empty = await api.request('GET', '/exports/billing?month=1999-01', {
      token: tokens.finance,
    });
    expect(empty.status).toBe(200);
    expect(empty.text.trim().split('\n')).toHaveLength(1);
  });

  it('mails the billing notice with the recorded entries when the ticket is resolved', async () => {
    const ticket = await api.submit({ email: 'notice@nocontract.example', subject: 'Netzwerk' });
    await work(ticket.ticketId, { minutes: 31, serviceCode: 'ONSITE', description: 'Switch' });
    const path = `/tickets/${ticket.ticketId}`;
    await api.request('PATCH', path, { token: tokens.agent, body: { status: 'in_progress' } });
    await api.request('PATCH', path, { token: tokens.agent, body: { status: 'resolved' } });
    const [notice] = await api.mailTo(
      (m) => m.subject === `[${ticket.ticketId}] Leistungsnachweis: Netzwerk`,
    );
    expect(notice?.body.text).toContain('Vor-Ort-Einsatz (ONSITE)');
    expect(notice?.body.text).toContain('145,00 €');
  });

  it('lists customers by name for admins', async () => {
    const page = await api.request('GET', '/customers?limit=1', { token: tokens.admin });
    expect(page.status).toBe(200);
    expect((page.json.items as { customerId: string }[]).map((c) => c.customerId)).toEqual([
      'acme',
    ]);
    const next = await api.request(
      'GET',
      `/customers?cursor=${encodeURIComponent(String(page.json.nextCursor))}`,
      { token: tokens.admin },
    );
    expect((next.json.items as { customerId: string }[]).map((c) => c.customerId)).toEqual([
      'racers',
    ]);
    expect(
      (await api.request('GET', '/customers?cursor=bogus', { token: tokens.admin })).status,
    ).toBe(400);
  });
});
