import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimAt, everyMinutes, realClock, setClock } from './claim-history';
import { OPEN_CONTRACT, TestStack } from './harness';

/**
 * The wait estimate of SPEC §10 through HTTP, on a fixed clock in the week of 16 November
 * 2026 (Europe/Berlin is UTC+1 then): a history of claims made in business hours, then the
 * range a waiting ticket is given — null while history is thin, after closing time and on a
 * weekend only in the business hours ahead, later for a ticket a contract ticket overtook.
 */

/** Berlin is UTC+1 all through these November days. */
const BERLIN_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** The vendor's office hours, written out apart from the product: Mon–Fri 08:00–17:00 Berlin. */
function isOpenMinute(ms: number): boolean {
  const berlin = new Date(ms + BERLIN_MS);
  const day = berlin.getUTCDay();
  const hour = berlin.getUTCHours();
  return day >= 1 && day <= 5 && hour >= 8 && hour < 17;
}

/** The instant `minutes` office minutes after `fromMs`, counted minute by minute. */
function afterOfficeMinutes(fromMs: number, minutes: number): number {
  let at = fromMs;
  let left = minutes;
  while (left > 0 || !isOpenMinute(at)) {
    if (isOpenMinute(at)) left--;
    at += MINUTE_MS;
  }
  return at;
}

/** Within office hours, or exactly at a closing time. */
function isOfficeInstant(iso: string): boolean {
  const ms = Date.parse(iso);
  return isOpenMinute(ms) || isOpenMinute(ms - MINUTE_MS);
}

interface Queue {
  position: number;
  aheadContract: number;
  aheadStandard: number;
  estimatedStart: { earliest: string; latest: string } | null;
}

describe('the wait estimate on a weekday clock (SPEC §10)', () => {
  let api: TestStack;
  let agent: string;

  beforeAll(async () => {
    api = await TestStack.start();
    agent = await api.token('alice', ['agents']);
    const admin = await api.token('root', ['admins']);
    const response = await api.request('PUT', '/customers/acme', {
      token: admin,
      body: { name: 'ACME GmbH', domains: ['acme.de'], contacts: [], contract: OPEN_CONTRACT },
    });
    expect(response.status).toBe(201);
  });
  afterAll(async () => {
    realClock();
    await api?.stop();
  });

  async function queueOf(ticket: { ticketId: string; accessToken: string }): Promise<Queue> {
    const view = await api.request('GET', `/tickets/${ticket.ticketId}`, {
      headers: { 'x-ticket-token': ticket.accessToken },
    });
    expect(view.status).toBe(200);
    return view.json.queue as unknown as Queue;
  }

  const waiting: { ticketId: string; accessToken: string }[] = [];

  it('gives no estimate while fewer than 20 claims were measured, and one from the 20th on', async () => {
    // Thursday and Friday mornings (09:00 Berlin on): 19 claims.
    await claimAt(api, agent, [
      ...everyMinutes('2026-11-19T08:00:00.000Z', 10, 15),
      ...everyMinutes('2026-11-20T08:00:00.000Z', 9, 15),
    ]);
    // Monday 08:30 Berlin: a ticket that will be claimed, and one behind it.
    setClock('2026-11-23T07:30:00.000Z');
    await api.submit({ email: 'first@elsewhere.example', severity: 'normal' });
    const behind = await api.submit({ email: 'behind@elsewhere.example', severity: 'normal' });
    const thin = await queueOf(behind);
    expect(thin.position).toBe(2);
    expect(thin.estimatedStart).toBeNull();

    expect((await api.request('POST', '/queue/claim', { token: agent })).status).toBe(200);
    const enough = await queueOf(behind);
    expect(enough.position).toBe(1);
    expect(enough.estimatedStart).not.toBeNull();
    expect(Date.parse(enough.estimatedStart?.earliest ?? '')).toBeGreaterThanOrEqual(
      Date.parse('2026-11-23T07:30:00.000Z'),
    );
  });

  it('lays a plausible range onto the business hours ahead, growing with the place in the queue', async () => {
    // Monday and Tuesday: 25 claims more (45 in the window), the ticket left above among them.
    await claimAt(api, agent, [
      ...everyMinutes('2026-11-23T09:00:00.000Z', 13, 20),
      ...everyMinutes('2026-11-24T09:00:00.000Z', 12, 20),
    ]);
    // Wednesday 10:00 Berlin: twelve normal tickets wait, ahead of the low one left over.
    const now = Date.parse('2026-11-25T09:00:00.000Z');
    setClock(new Date(now).toISOString());
    for (let i = 0; i < 12; i++) {
      waiting.push(await api.submit({ email: `wait-${i}@elsewhere.example`, severity: 'normal' }));
    }
    // The window is the 7 days before now, whole hours: Wednesday 10:00 to Wednesday 10:00,
    // 2,700 office minutes; every claim above was made in it, in office hours.
    const rate = 45 / 2700;
    let previous: Queue | undefined;
    for (const [index, ticket] of waiting.entries()) {
      const queue = await queueOf(ticket);
      expect(queue.position).toBe(index + 1);
      const range = queue.estimatedStart;
      if (!range) throw new Error(`no estimate at position ${queue.position}`);
      const earliest = Date.parse(range.earliest);
      const latest = Date.parse(range.latest);
      expect(earliest).toBeGreaterThanOrEqual(now);
      expect(earliest).toBeLessThan(latest);
      expect(isOfficeInstant(range.earliest)).toBe(true);
      expect(isOfficeInstant(range.latest)).toBe(true);
      // The measured pace (one claim every 60 office minutes) puts the start of the n-th
      // ticket n hours of office time ahead: inside the range, which is no wider than
      // twice that plus a working day on either side.
      const expected = afterOfficeMinutes(now, Math.round(queue.position / rate));
      expect(earliest).toBeLessThanOrEqual(expected);
      expect(latest).toBeGreaterThanOrEqual(expected);
      expect(latest).toBeLessThanOrEqual(
        afterOfficeMinutes(now, Math.round((2 * queue.position) / rate) + 540),
      );
      if (previous?.estimatedStart) {
        expect(earliest).toBeGreaterThanOrEqual(Date.parse(previous.estimatedStart.earliest));
        expect(latest).toBeGreaterThan(Date.parse(previous.estimatedStart.latest));
      }
      previous = queue;
    }
  });

  it('moves the range later when a contract ticket overtakes', async () => {
    const last = waiting[waiting.length - 1];
    if (!last) throw new Error('no waiting ticket');
    const before = await queueOf(last);
    const contract = await api.submit({ email: 'it@acme.de', severity: 'low' });
    expect(contract.group).toBe('contract');
    expect((await queueOf(contract)).position).toBe(1);
    const after = await queueOf(last);
    expect(after).toMatchObject({
      position: before.position + 1,
      aheadContract: 1,
      aheadStandard: before.aheadStandard,
    });
    expect(Date.parse(after.estimatedStart?.latest ?? '')).toBeGreaterThan(
      Date.parse(before.estimatedStart?.latest ?? ''),
    );
  });

  it('starts the range at the next opening after closing time and over the weekend', async () => {
    const first = waiting[0];
    if (!first) throw new Error('no waiting ticket');
    // Wednesday 18:30 Berlin: not before Thursday 08:00.
    setClock('2026-11-25T17:30:00.000Z');
    const evening = (await queueOf(first)).estimatedStart;
    expect(evening).not.toBeNull();
    expect(Date.parse(evening?.earliest ?? '')).toBeGreaterThanOrEqual(
      Date.parse('2026-11-26T07:00:00.000Z'),
    );
    // Saturday noon: the window (from the Saturday before) still holds Monday's and
    // Tuesday's 26 claims; nothing starts before Monday 08:00.
    setClock('2026-11-28T11:00:00.000Z');
    const weekend = (await queueOf(first)).estimatedStart;
    expect(weekend).not.toBeNull();
    expect(Date.parse(weekend?.earliest ?? '')).toBeGreaterThanOrEqual(
      Date.parse('2026-11-30T07:00:00.000Z'),
    );
    expect(isOfficeInstant(weekend?.earliest ?? '')).toBe(true);
  });
});
