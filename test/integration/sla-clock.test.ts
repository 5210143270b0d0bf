import { beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../functions/domain/service-levels/business-time';
import { DEFAULT_PLANS } from '../../functions/domain/service-levels/plan';
import { OPEN_CONTRACT, useStack } from './harness';

const WHOLE_DAY = [['00:00', '24:00']];
/** Open around the clock without holidays: business time is elapsed time, whenever CI runs. */
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

const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const MIN = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sla {
  planId: string;
  firstResponseDue: string;
  resolutionDue: string;
  firstResponseAt?: string;
  resolvedAt?: string;
  firstResponse: string;
  resolution: string;
}

describe('the SLA clock of contract tickets, through HTTP', () => {
  const { api, tokens } = useStack({
    admin: { sub: 'root', groups: ['admins'] },
    agent: { sub: 'alice', groups: ['agents'] },
  });

  beforeAll(async () => {
    expect(
      (
        await api.request('PUT', '/service-levels/always', {
          token: tokens.admin,
          body: aroundTheClock,
        })
      ).status,
    ).toBe(201);
    await api.request('PUT', '/customers/acme', {
      token: tokens.admin,
      body: {
        name: 'ACME',
        domains: ['acme.example'],
        contacts: [],
        contract: { ...OPEN_CONTRACT, serviceLevel: 'always' },
      },
    });
    await api.request('PUT', '/customers/office', {
      token: tokens.admin,
      body: {
        name: 'Office GmbH',
        domains: ['office.example'],
        contacts: [],
        contract: OPEN_CONTRACT,
      },
    });
  });

  const agentRead = async (id: string) =>
    (await api.request('GET', `/tickets/${id}`, { token: tokens.agent })).json;
  const customerRead = async (id: string, token: string) =>
    (await api.request('GET', `/tickets/${id}`, { headers: { 'x-ticket-token': token } })).json;
  const patch = (id: string, body: unknown) =>
    api.request('PATCH', `/tickets/${id}`, { token: tokens.agent, body });
  const say = (id: string, body: unknown) =>
    api.request('POST', `/tickets/${id}/messages`, { token: tokens.agent, body });

  it('starts at receipt; agent and customer views carry exactly the sla of §9', async () => {
    const t = await api.submit({ email: 'ops@acme.example', severity: 'critical' });
    const expected = {
      planId: 'always',
      firstResponseDue: plus(t.receivedAt, 15 * MIN),
      resolutionDue: plus(t.receivedAt, 120 * MIN),
      firstResponse: 'pending',
      resolution: 'pending',
    };
    const forCustomer = await customerRead(t.ticketId, t.accessToken);
    expect(forCustomer.sla).toEqual(expected);
    const forAgent = await agentRead(t.ticketId);
    expect(forAgent.sla).toEqual(expected);
    expect(forAgent.slaRisk).toBe('ok');
    expect(forAgent.slaRemaining).toMatchObject({
      firstResponseMinutes: 14,
      resolutionMinutes: 119,
    });
    const queued = (await api.queue(tokens.agent)).find(
      (q) => q.ticketId === t.ticketId,
    ) as unknown as {
      sla: Sla;
    };
    expect(queued.sla).toEqual(expected);
  });

  it('the default plan applies without serviceLevel, on office hours: due at a business instant', async () => {
    const t = await api.submit({ email: 'it@office.example', severity: 'high' });
    const sla = (await agentRead(t.ticketId)).sla as Sla;
    expect(sla.planId).toBe('office-hours');
    const office = new BusinessCalendar(DEFAULT_PLANS[0] as (typeof DEFAULT_PLANS)[number]);
    expect(sla.firstResponseDue).toBe(
      new Date(office.add(Date.parse(t.receivedAt), 120 * MIN)).toISOString(),
    );
    expect(office.isOpen(Date.parse(sla.firstResponseDue) - 1)).toBe(true);
  });

  it("the contract acknowledgement names the response deadline in the customer's language", async () => {
    const de = await api.submit({ email: 'ops@acme.example', severity: 'critical' });
    const en = await api.submit({ email: 'ops@acme.example', severity: 'critical', locale: 'en' });
    const ackOf = async (id: string) =>
      (await api.mailTo((m) => m.subject.includes(`[${id}]`)))[0]?.body.text ?? '';
    expect(await ackOf(de.ticketId)).toMatch(
      /Wir melden uns spätestens bis \w+, \d{1,2}\. \w+, \d{2}:\d{2} Uhr\./,
    );
    expect(await ackOf(en.ticketId)).toMatch(
      /We will get back to you by \w+, \d{1,2} \w+, \d{2}:\d{2} \(German time\) at the latest\./,
    );
  });

  it('standard tickets have no sla', async () => {
    const t = await api.submit({ email: 'someone@elsewhere.example' });
    expect(t.group).toBe('standard');
    expect((await customerRead(t.ticketId, t.accessToken)).sla).toBeUndefined();
    expect((await agentRead(t.ticketId)).sla).toBeUndefined();
  });

  it('an internal note is no first response; the first public reply is, once', async () => {
    const t = await api.submit({ email: 'ops@acme.example', severity: 'high' });
    await patch(t.ticketId, { status: 'in_progress' });
    expect(
      (
        await say(t.ticketId, {
          body: 'Kunde hat wohl wieder das Backup-Skript geändert.',
          internal: true,
        })
      ).status,
    ).toBe(201);
    let sla = (await customerRead(t.ticketId, t.accessToken)).sla as Sla;
    expect(sla.firstResponse).toBe('pending');
    expect(sla.firstResponseAt).toBeUndefined();
    const reply = await say(t.ticketId, { body: 'Wir sehen uns das an.' });
    expect(reply.status).toBe(201);
    sla = (await customerRead(t.ticketId, t.accessToken)).sla as Sla;
    expect(sla.firstResponse).toBe('met');
    expect(sla.firstResponseAt).toBe(
      (reply.json as { createdAt?: string }).createdAt ?? sla.firstResponseAt,
    );
    const first = sla.firstResponseAt;
    await sleep(20);
    await say(t.ticketId, { body: 'Noch eine Frage …' });
    expect(((await customerRead(t.ticketId, t.accessToken)).sla as Sla).firstResponseAt).toBe(
      first,
    );
  });

  it('waiting for the customer pauses the resolution; the due moves later by the time paused', async () => {
    const t = await api.submit({ email: 'ops@acme.example', severity: 'normal' });
    await patch(t.ticketId, { status: 'in_progress' });
    const paused = await patch(t.ticketId, { status: 'waiting_customer' });
    expect(paused.status).toBe(200);
    expect((paused.json.sla as Sla).resolution).toBe('paused');
    await sleep(1200);
    const reply = await api.request('POST', `/tickets/${t.ticketId}/messages`, {
      headers: { 'x-ticket-token': t.accessToken },
      body: { body: 'Hier die Logdatei.' },
    });
    expect(reply.status).toBe(201);
    const after = await agentRead(t.ticketId);
    expect(after.status).toBe('in_progress');
    const pausedMs =
      Date.parse(after.updatedAt as string) - Date.parse(paused.json.updatedAt as string);
    expect(pausedMs).toBeGreaterThanOrEqual(1200);
    const sla = after.sla as Sla;
    expect(sla.resolution).toBe('pending');
    expect(sla.resolutionDue).toBe(plus(t.receivedAt, 480 * MIN + pausedMs));
    // The first response is not paused.
    expect(sla.firstResponseDue).toBe(plus(t.receivedAt, 60 * MIN));
  });

  it('a severity change recomputes both dues from receipt, keeping the time paused', async () => {
    const t = await api.submit({ email: 'ops@acme.example', severity: 'low' });
    await patch(t.ticketId, { status: 'in_progress' });
    const paused = await patch(t.ticketId, { status: 'waiting_customer' });
    await sleep(300);
    const resumed = await patch(t.ticketId, { status: 'in_progress' });
    const pausedMs =
      Date.parse(resumed.json.updatedAt as string) - Date.parse(paused.json.updatedAt as string);
    const raised = await patch(t.ticketId, { severity: 'critical' });
    expect(raised.status).toBe(200);
    expect(raised.json.sla).toMatchObject({
      firstResponseDue: plus(t.receivedAt, 15 * MIN),
      resolutionDue: plus(t.receivedAt, 120 * MIN + pausedMs),
    });
    const lowered = await patch(t.ticketId, { severity: 'normal' });
    expect(lowered.json.sla).toMatchObject({
      firstResponseDue: plus(t.receivedAt, 60 * MIN),
      resolutionDue: plus(t.receivedAt, 480 * MIN + pausedMs),
    });
  });

  it('resolving meets the resolution; a customer reply reopens and resumes it', async () => {
    const t = await api.submit({ email: 'ops@acme.example', severity: 'high' });
    await patch(t.ticketId, { status: 'in_progress' });
    await say(t.ticketId, { body: 'Behoben.' });
    const resolved = await patch(t.ticketId, { status: 'resolved' });
    const sla = resolved.json.sla as Sla;
    expect(sla).toMatchObject({
      resolution: 'met',
      resolvedAt: resolved.json.updatedAt,
      firstResponse: 'met',
    });
    await sleep(500);
    await api.request('POST', `/tickets/${t.ticketId}/messages`, {
      headers: { 'x-ticket-token': t.accessToken },
      body: { body: 'Leider doch nicht.' },
    });
    const reopened = await customerRead(t.ticketId, t.accessToken);
    expect(reopened.status).toBe('open');
    const again = reopened.sla as Sla;
    expect(again.resolution).toBe('pending');
    expect(again.resolvedAt).toBeUndefined();
    const pausedMs =
      Date.parse(reopened.updatedAt as string) - Date.parse(resolved.json.updatedAt as string);
    expect(again.resolutionDue).toBe(plus(t.receivedAt, 240 * MIN + pausedMs));
  });

  it('a waiting ticket that joins the contract group starts its clock then; leaving ends it', async () => {
    await api.request('PUT', '/customers/later', {
      token: tokens.admin,
      body: { name: 'Later AG', domains: ['later.example'], contacts: [] },
    });
    const t = await api.submit({ email: 'x@later.example', severity: 'high' });
    expect(t.group).toBe('standard');
    await sleep(50);
    const joined = await api.request('PUT', '/customers/later', {
      token: tokens.admin,
      body: {
        name: 'Later AG',
        domains: ['later.example'],
        contacts: [],
        contract: { ...OPEN_CONTRACT, serviceLevel: 'always' },
      },
    });
    expect(joined.json.regroupedTickets).toBe(1);
    const read = await agentRead(t.ticketId);
    expect(read.group).toBe('contract');
    const sla = read.sla as Sla;
    const startedAt = read.updatedAt as string;
    expect(startedAt > t.receivedAt).toBe(true);
    expect(sla.firstResponseDue).toBe(plus(startedAt, 30 * MIN));
    const left = await api.request('PUT', '/customers/later', {
      token: tokens.admin,
      body: { name: 'Later AG', domains: ['later.example'], contacts: [] },
    });
    expect(left.json.regroupedTickets).toBe(1);
    expect((await agentRead(t.ticketId)).sla).toBeUndefined();
    expect((await customerRead(t.ticketId, t.accessToken)).sla).toBeUndefined();
  });
});
