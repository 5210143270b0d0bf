import { beforeAll, describe, expect, it } from 'vitest';
import { OPEN_CONTRACT, useStack, type QueueItem } from './harness';

const GROUP_ORDER = ['contract', 'standard'];
const SEVERITY_ORDER = ['critical', 'high', 'normal', 'low'];

/** SPEC §3 written out independently of the product's key encoding. */
function byQueueRules(a: QueueItem, b: QueueItem): number {
  return (
    GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group) ||
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
    Date.parse(a.receivedAt) - Date.parse(b.receivedAt) ||
    Number(a.ticketId.slice(2)) - Number(b.ticketId.slice(2))
  );
}

describe('the prioritized queue', () => {
  const { api, tokens } = useStack({
    agent: { sub: 'alice', groups: ['agents'] },
    admin: { sub: 'root', groups: ['admins'] },
  });

  beforeAll(async () => {
    const customer = await api.request('PUT', '/customers/acme', {
      token: tokens.admin,
      body: { name: 'ACME GmbH', domains: ['acme.de'], contacts: [], contract: OPEN_CONTRACT },
    });
    expect(customer.status).toBe(201);
  });

  it('lists every waiting ticket once, in the order of SPEC §3, across pages', async () => {
    const severities = ['low', 'critical', 'normal', 'high'];
    for (let i = 0; i < 24; i++) {
      await api.submit({
        email: i % 3 === 0 ? `user${i}@acme.de` : `user${i}@elsewhere.example`,
        severity: severities[i % 4],
        subject: `Ticket ${i}`,
      });
    }
    const single = await api.queue(tokens.agent, 100);
    const paged = await api.queue(tokens.agent, 5);
    expect(single).toHaveLength(24);
    expect(paged.map((t) => t.ticketId)).toEqual(single.map((t) => t.ticketId));
    expect(single).toEqual([...single].sort(byQueueRules));
    expect(single[0]?.group).toBe('contract');
    expect(single[0]?.customer).toEqual({ id: 'acme', name: 'ACME GmbH' });
    expect(single.at(-1)?.group).toBe('standard');
    expect(new Set(single.map((t) => t.group))).toEqual(new Set(['contract', 'standard']));
  });

  it('re-keys a ticket whose severity changes and keeps its time of receipt', async () => {
    const before = await api.queue(tokens.agent);
    const last = before.at(-1);
    if (!last) throw new Error('queue is empty');
    const patched = await api.request('PATCH', `/tickets/${last.ticketId}`, {
      token: tokens.agent,
      body: { severity: 'critical' },
    });
    expect(patched.status).toBe(200);
    expect(patched.json.receivedAt).toBe(last.receivedAt);
    const after = await api.queue(tokens.agent);
    expect(after).toEqual([...after].sort(byQueueRules));
    const moved = after.find((t) => t.ticketId === last.ticketId);
    expect(moved?.severity).toBe('critical');
    expect(after.indexOf(moved as QueueItem)).toBeLessThan(before.length - 1);
  });

  it('claims the head of the queue, and release puts it back at its original place', async () => {
    const before = await api.queue(tokens.agent);
    const claim = await api.request('POST', '/queue/claim', { token: tokens.agent });
    expect(claim.status).toBe(200);
    expect(claim.json.ticketId).toBe(before[0]?.ticketId);
    expect(claim.json.status).toBe('in_progress');
    expect(claim.json.assignee).toBe('alice');
    const during = await api.queue(tokens.agent);
    expect(during.map((t) => t.ticketId)).toEqual(before.slice(1).map((t) => t.ticketId));

    const bob = await api.token('bob', ['agents']);
    const foreign = await api.request('POST', `/tickets/${String(claim.json.ticketId)}/release`, {
      token: bob,
    });
    expect(foreign.status).toBe(403);

    const release = await api.request('POST', `/tickets/${String(claim.json.ticketId)}/release`, {
      token: tokens.agent,
    });
    expect(release.status).toBe(200);
    expect(release.json.status).toBe('open');
    expect(release.json.assignee).toBeUndefined();
    const after = await api.queue(tokens.agent);
    expect(after.map((t) => t.ticketId)).toEqual(before.map((t) => t.ticketId));

    const again = await api.request('POST', `/tickets/${String(claim.json.ticketId)}/release`, {
      token: tokens.agent,
    });
    expect(again.status).toBe(409);
  });

  it('moves tickets through the statuses and answers an invalid transition with 409', async () => {
    const ticket = await api.submit({ subject: 'Lifecycle' });
    const path = `/tickets/${ticket.ticketId}`;
    const patch = (status: string) =>
      api.request('PATCH', path, { token: tokens.agent, body: { status } });
    expect((await patch('closed')).status).toBe(409);
    const claimed = await patch('in_progress');
    expect(claimed.status).toBe(200);
    expect(claimed.json.assignee).toBe('alice');
    expect((await patch('waiting_customer')).status).toBe(200);
    expect((await patch('in_progress')).status).toBe(200);
    expect((await patch('resolved')).status).toBe(200);
    const invalid = await patch('waiting_customer');
    expect(invalid.status).toBe(409);
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');
    expect((await patch('closed')).status).toBe(200);
    expect((await patch('open')).status).toBe(409);
    expect((await api.queue(tokens.agent)).some((t) => t.ticketId === ticket.ticketId)).toBe(false);
  });

  it('lets 16 concurrent agents claim every ticket exactly once', async () => {
    // Drain what earlier tests left, then fill the queue afresh.
    while ((await api.request('POST', '/queue/claim', { token: tokens.agent })).status === 200);
    const submitted = await Promise.all(
      Array.from({ length: 60 }, (_, i) => api.submit({ subject: `Race ${i}` })),
    );
    const agents = await Promise.all(
      Array.from({ length: 16 }, (_, i) => api.token(`agent${i}`, ['agents'])),
    );
    const claims = await Promise.all(
      agents.map(async (token, i) => {
        const mine: string[] = [];
        for (;;) {
          const response = await api.request('POST', '/queue/claim', { token });
          if (response.status === 204) return mine;
          expect(response.status).toBe(200);
          expect(response.json.assignee).toBe(`agent${i}`);
          mine.push(String(response.json.ticketId));
        }
      }),
    );
    const all = claims.flat();
    expect(all).toHaveLength(submitted.length);
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all)).toEqual(new Set(submitted.map((t) => t.ticketId)));
    for (const [i, mine] of claims.entries()) {
      for (const ticketId of mine.slice(0, 3)) {
        const read = await api.request('GET', `/tickets/${ticketId}`, { token: tokens.agent });
        expect(read.json.assignee).toBe(`agent${i}`);
      }
    }
    expect(await api.queue(tokens.agent)).toEqual([]);
    expect((await api.request('POST', '/queue/claim', { token: tokens.agent })).status).toBe(204);
  });
});
