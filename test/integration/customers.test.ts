import { describe, expect, it } from 'vitest';
import { berlinDay } from '../../functions/domain/calendar';
import { OPEN_CONTRACT, useStack } from './harness';

describe('customers, contracts and the group of their tickets', () => {
  const { api, tokens } = useStack({
    agent: { sub: 'alice', groups: ['agents'] },
    admin: { sub: 'root', groups: ['admins'] },
  });

  const put = (id: string, body: unknown) =>
    api.request('PUT', `/customers/${id}`, { token: tokens.admin, body });

  it('creates (201), reads and replaces (200) a customer, normalizing addresses', async () => {
    const created = await put('globex', {
      name: 'Globex AG',
      domains: ['Globex.DE'],
      contacts: ['Hank@Globex.de', { email: 'ops@globex-partner.example', name: 'Ops' }],
      contract: OPEN_CONTRACT,
    });
    expect(created.status).toBe(201);
    const read = await api.request('GET', '/customers/globex', { token: tokens.admin });
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({
      customerId: 'globex',
      name: 'Globex AG',
      domains: ['globex.de'],
      contacts: [{ email: 'hank@globex.de' }, { email: 'ops@globex-partner.example', name: 'Ops' }],
      contract: OPEN_CONTRACT,
    });
    const replaced = await put('globex', {
      ...read.json,
      customerId: undefined,
      updatedAt: undefined,
      name: 'Globex SE',
    });
    expect(replaced.status).toBe(200);
    expect(replaced.json.name).toBe('Globex SE');
  });

  it('matches a sender by contact address first, then by mail domain and its subdomains', async () => {
    await put('initech', { name: 'Initech', domains: ['initech.example'], contacts: [] });
    const byContact = await api.submit({ email: 'ops@globex-partner.example' });
    const byDomain = await api.submit({ email: 'bob@eu.globex.de' });
    const unknown = await api.submit({ email: 'eve@unknown.example' });
    const noContract = await api.submit({ email: 'peter@initech.example' });
    expect(byContact.group).toBe('contract');
    expect(byDomain.group).toBe('contract');
    expect(unknown.group).toBe('standard');
    expect(noContract.group).toBe('standard');
    const queue = await api.queue(tokens.agent);
    const customerOf = (id: string) => queue.find((t) => t.ticketId === id)?.customer;
    expect(customerOf(byDomain.ticketId)).toEqual({ id: 'globex', name: 'Globex SE' });
    expect(customerOf(noContract.ticketId)).toEqual({ id: 'initech', name: 'Initech' });
    expect(customerOf(unknown.ticketId)?.id).toBeNull();
  });

  it('refuses a domain or contact that belongs to another customer, changing nothing', async () => {
    const before = await api.request('GET', '/customers/initech', { token: tokens.admin });
    const conflict = await put('initech', {
      name: 'Initech',
      domains: ['initech.example', 'globex.de'],
      contacts: [],
    });
    expect(conflict.status).toBe(409);
    expect(conflict.json.detail).toContain('globex.de');
    expect((await api.request('GET', '/customers/initech', { token: tokens.admin })).json).toEqual(
      before.json,
    );
    const stillGlobex = await api.submit({ email: 'x@globex.de' });
    expect(stillGlobex.group).toBe('contract');
  });

  it('moves waiting tickets when a contract starts and when it ends', async () => {
    const ticket = await api.submit({ email: 'peter@initech.example', severity: 'low' });
    expect(ticket.group).toBe('standard');
    const claimed = await api.submit({ email: 'mary@initech.example', severity: 'critical' });
    const today = berlinDay(new Date());

    const started = await put('initech', {
      name: 'Initech',
      domains: ['initech.example'],
      contract: {
        id: 'SV-INI-1',
        validFrom: today,
        includedMinutesPerMonth: 120,
        coveredServiceCodes: [],
      },
    });
    expect(started.status).toBe(200);
    expect(started.json.regroupedTickets).toBeGreaterThanOrEqual(2);
    let queue = await api.queue(tokens.agent);
    const entry = queue.find((t) => t.ticketId === ticket.ticketId);
    expect(entry).toMatchObject({ group: 'contract', receivedAt: ticket.receivedAt });
    expect(queue.findIndex((t) => t.ticketId === ticket.ticketId)).toBeLessThan(
      queue.findIndex((t) => t.group === 'standard'),
    );
    // A ticket being worked keeps its group; only waiting tickets move.
    const working = await api.request('PATCH', `/tickets/${claimed.ticketId}`, {
      token: tokens.agent,
      body: { status: 'in_progress' },
    });
    expect(working.json.group).toBe('contract');

    const ended = await put('initech', {
      name: 'Initech',
      domains: ['initech.example'],
      contract: {
        id: 'SV-INI-1',
        validFrom: '2020-01-01',
        validTo: '2020-12-31',
        includedMinutesPerMonth: 120,
      },
    });
    expect(ended.status).toBe(200);
    queue = await api.queue(tokens.agent);
    expect(queue.find((t) => t.ticketId === ticket.ticketId)?.group).toBe('standard');
    const stillWorking = await api.request('GET', `/tickets/${claimed.ticketId}`, {
      token: tokens.agent,
    });
    expect(stillWorking.json).toMatchObject({ group: 'contract', status: 'in_progress' });
  });

  it('lets the daily job move tickets of contracts that start today', async () => {
    await put('hooli', { name: 'Hooli', domains: ['hooli.example'] });
    const ticket = await api.submit({ email: 'anna@hooli.example' });
    expect(ticket.group).toBe('standard');
    // Written as if the contract had been entered earlier: the job applies it on its first day.
    const today = berlinDay(new Date());
    await put('hooli', {
      name: 'Hooli',
      domains: ['hooli.example'],
      contract: { id: 'SV-HOO', validFrom: today, includedMinutesPerMonth: 60 },
    });
    // Move the ticket back by hand to simulate the night before, then run the job.
    const { regroupTicket } = await import('../../functions/app/change-ticket');
    const { dependencies } = await import('../../functions/shared/dependencies');
    await regroupTicket(dependencies(), ticket.ticketId, 'standard');
    expect((await api.queue(tokens.agent)).find((t) => t.ticketId === ticket.ticketId)?.group).toBe(
      'standard',
    );
    const { handler } = await import('../../functions/jobs/regroup-contracts');
    const result = await handler();
    expect(result.movedTickets).toBeGreaterThanOrEqual(1);
    expect((await api.queue(tokens.agent)).find((t) => t.ticketId === ticket.ticketId)?.group).toBe(
      'contract',
    );
  });
});
