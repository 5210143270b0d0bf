import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useStack } from './harness';

interface Rec {
  at: string;
  actor: string;
  action: string;
  from?: string;
  to?: string;
  ref?: string;
}

/** SPEC §13: every change of a ticket leaves its record, written with the change itself. */
describe('ticket history', () => {
  const { api, tokens } = useStack({ alice: ['agents'], bob: ['agents'] });

  async function history(ticketId: string, limit = 100): Promise<Rec[]> {
    const items: Rec[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await api.request('GET', `/tickets/${ticketId}/history?${query}`, {
        token: tokens.alice,
      });
      expect(page.status).toBe(200);
      items.push(...(page.json.items as Rec[]));
      cursor = page.json.nextCursor as string | null;
    } while (cursor);
    return items;
  }

  it('records creation, take, messages, work, status, severity and release, oldest first', async () => {
    const { ticketId, accessToken } = await api.submit({ email: 'h1@example.org' });
    const steps: [string, string, Record<string, unknown>, string][] = [
      ['PATCH', `/tickets/${ticketId}`, { status: 'in_progress' }, tokens.alice],
      ['POST', `/tickets/${ticketId}/messages`, { body: 'We look into it' }, tokens.alice],
      ['POST', `/tickets/${ticketId}/messages`, { body: 'note', internal: true }, tokens.bob],
      ['PATCH', `/tickets/${ticketId}`, { severity: 'high' }, tokens.alice],
      [
        'POST',
        `/tickets/${ticketId}/work`,
        { minutes: 20, serviceCode: 'REMOTE', description: 'x' },
        tokens.alice,
      ],
      ['PATCH', `/tickets/${ticketId}`, { status: 'waiting_customer' }, tokens.alice],
    ];
    for (const [method, path, body, token] of steps) {
      const response = await api.request(method, path, { token, body });
      expect(response.status, response.text).toBeLessThan(300);
    }
    const reply = await api.request('POST', `/tickets/${ticketId}/messages`, {
      headers: { 'x-ticket-token': accessToken },
      body: { body: 'Thanks' },
    });
    expect(reply.status).toBe(201);
    expect(
      (await api.request('POST', `/tickets/${ticketId}/release`, { token: tokens.alice })).status,
    ).toBe(200);

    const records = await history(ticketId);
    expect(records.map((r) => [r.actor, r.action, r.from, r.to])).toEqual([
      ['customer', 'created', undefined, 'open'],
      ['alice', 'take', 'open', 'in_progress'],
      ['alice', 'message', undefined, 'public'],
      ['bob', 'message', undefined, 'internal'],
      ['alice', 'severity', 'normal', 'high'],
      ['alice', 'work', undefined, '20 min REMOTE'],
      ['alice', 'status', 'in_progress', 'waiting_customer'],
      ['customer', 'message', undefined, 'public'],
      ['customer', 'status', 'waiting_customer', 'in_progress'],
      ['alice', 'release', 'in_progress', 'open'],
    ]);
    expect([...records].sort((a, b) => a.at.localeCompare(b.at))).toEqual(records);
    // Paging gives the same list.
    expect(await history(ticketId, 3)).toEqual(records);
    // No personal data in the records.
    expect(JSON.stringify(records)).not.toMatch(/h1@example|Erika|We look|Thanks/);
  });

  it('records a claim through the queue and a take out of queue order', async () => {
    const first = await api.submit({ email: 'h2@example.org', severity: 'critical' });
    const second = await api.submit({ email: 'h3@example.org', severity: 'low' });
    const taken = await api.request('PATCH', `/tickets/${second.ticketId}`, {
      token: tokens.bob,
      body: { status: 'in_progress' },
    });
    expect(taken.status).toBe(200);
    const claim = await api.request('POST', '/queue/claim', { token: tokens.alice });
    expect(claim.json.ticketId).toBe(first.ticketId);
    expect((await history(first.ticketId)).map((r) => [r.actor, r.action])).toEqual([
      ['customer', 'created'],
      ['alice', 'claim'],
    ]);
    expect((await history(second.ticketId)).map((r) => [r.actor, r.action])).toEqual([
      ['customer', 'created'],
      ['bob', 'take-out-of-order'],
    ]);
  });

  it('answers 404 for an unknown ticket, 400 for a forged cursor, 403 without the agents group', async () => {
    const finance = await api.token('fin', ['finance']);
    const { ticketId } = await api.submit({ email: 'h4@example.org' });
    expect(
      (await api.request('GET', '/tickets/T-99999999/history', { token: tokens.alice })).status,
    ).toBe(404);
    const forged = await api.request('GET', `/tickets/${ticketId}/history?cursor=eyJwIjotMX0`, {
      token: tokens.alice,
    });
    expect(forged.status).toBe(400);
    expect(
      (await api.request('GET', `/tickets/${ticketId}/history`, { token: finance })).status,
    ).toBe(403);
    expect((await api.request('GET', `/tickets/${ticketId}/history`)).status).toBe(401);
  });

  it('leaves exactly one record per change, over random sequences of actions', async () => {
    type Action =
      | { kind: 'patch-status'; status: string; agent: 0 | 1 }
      | { kind: 'patch-severity'; severity: string; agent: 0 | 1 }
      | { kind: 'release'; agent: 0 | 1 }
      | { kind: 'claim'; agent: 0 | 1 }
      | { kind: 'message'; internal: boolean; agent: 0 | 1 }
      | { kind: 'customer-message' }
      | { kind: 'work'; agent: 0 | 1 };
    const agent = fc.constantFrom<0 | 1>(0, 1);
    const action: fc.Arbitrary<Action> = fc.oneof(
      fc.record({
        kind: fc.constant('patch-status' as const),
        status: fc.constantFrom('open', 'in_progress', 'waiting_customer', 'resolved', 'closed'),
        agent,
      }),
      fc.record({
        kind: fc.constant('patch-severity' as const),
        severity: fc.constantFrom('critical', 'high', 'normal', 'low'),
        agent,
      }),
      fc.record({ kind: fc.constant('release' as const), agent }),
      fc.record({ kind: fc.constant('claim' as const), agent }),
      fc.record({ kind: fc.constant('message' as const), internal: fc.boolean(), agent }),
      fc.record({ kind: fc.constant('customer-message' as const) }),
      fc.record({ kind: fc.constant('work' as const), agent }),
    );
    const names = ['alice', 'bob'] as const;
    const cleaner = await api.token('cleaner', ['agents']);
    // Claims take the head of the queue: each run starts with an empty one.
    const emptyQueue = async () => {
      for (;;) {
        const claimed = await api.request('POST', '/queue/claim', { token: cleaner });
        if (claimed.status === 204) return;
        await api.request('PATCH', `/tickets/${String(claimed.json.ticketId)}`, {
          token: cleaner,
          body: { status: 'resolved' },
        });
      }
    };
    const agents = [tokens.alice, tokens.bob];
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 8 }), async (actions) => {
        await emptyQueue();
        const { ticketId, accessToken } = await api.submit({ email: 'prop@example.org' });
        let expected = 1;
        for (const step of actions) {
          const before = await api.request('GET', `/tickets/${ticketId}`, { token: tokens.alice });
          const expectedBefore = expected;
          let response;
          if (step.kind === 'patch-status' || step.kind === 'patch-severity') {
            const body =
              step.kind === 'patch-status' ? { status: step.status } : { severity: step.severity };
            response = await api.request('PATCH', `/tickets/${ticketId}`, {
              token: agents[step.agent],
              body,
            });
            if (response.status === 200) {
              const field = step.kind === 'patch-status' ? 'status' : 'severity';
              if (before.json[field] !== response.json[field]) expected += 1;
            }
          } else if (step.kind === 'release') {
            response = await api.request('POST', `/tickets/${ticketId}/release`, {
              token: agents[step.agent],
            });
            if (response.status === 200) expected += 1;
          } else if (step.kind === 'claim') {
            // Claims take the head of the queue: only this ticket waits there when it is open.
            response = await api.request('POST', '/queue/claim', { token: agents[step.agent] });
            if (response.status === 200) {
              expect(response.json.ticketId).toBe(ticketId);
              expected += 1;
            }
          } else if (step.kind === 'message' || step.kind === 'customer-message') {
            response =
              step.kind === 'message'
                ? await api.request('POST', `/tickets/${ticketId}/messages`, {
                    token: agents[step.agent],
                    body: { body: 'text', internal: step.internal },
                  })
                : await api.request('POST', `/tickets/${ticketId}/messages`, {
                    headers: { 'x-ticket-token': accessToken },
                    body: { body: 'text' },
                  });
            if (response.status === 201) {
              expected += 1;
              const after = await api.request('GET', `/tickets/${ticketId}`, {
                token: tokens.alice,
              });
              // A customer's reply reopens a resolved ticket, and brings one waiting for
              // them back to its agent: a change of its own.
              if (after.json.status !== before.json.status) expected += 1;
            }
          } else {
            response = await api.request('POST', `/tickets/${ticketId}/work`, {
              token: agents[step.agent],
              body: { minutes: 5, serviceCode: 'REMOTE', description: 'w' },
            });
            if (response.status === 201) expected += 1;
          }
          expect(response.status).toBeLessThan(500);
          const records = await history(ticketId);
          expect(records).toHaveLength(expected);
          const last = records.at(-1);
          if (expected > expectedBefore) {
            expect(last?.actor).toBe(
              step.kind === 'customer-message' ? 'customer' : names[step.agent],
            );
          }
        }
      }),
      { numRuns: 15 },
    );
  }, 120_000);
});
