import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTENTION_MS } from '../../functions/app/claim-candidates';
import type { Outbox } from '../../functions/app/ports';
import { dependencies } from '../../functions/shared/dependencies';
import { withOutbox } from '../../functions/shared/with-outbox';
import { OPEN_CONTRACT, type TestStack, useStack } from './harness';

const GROUPS = ['contract', 'standard'] as const;
const SEVERITIES = ['critical', 'high', 'normal', 'low'] as const;
type Severity = (typeof SEVERITIES)[number];

/** A ticket as the model knows it, from the API's answers to the test's own requests. */
interface ModelTicket {
  ticketId: string;
  token: string;
  group: string;
  severity: string;
  receivedAt: string;
  acme: boolean;
}

/** SPEC §3 written out independently of the product's key encoding. */
function byQueueRules(a: ModelTicket, b: ModelTicket): number {
  return (
    GROUPS.indexOf(a.group as 'contract') - GROUPS.indexOf(b.group as 'contract') ||
    SEVERITIES.indexOf(a.severity as Severity) - SEVERITIES.indexOf(b.severity as Severity) ||
    Date.parse(a.receivedAt) - Date.parse(b.receivedAt) ||
    Number(a.ticketId.slice(2)) - Number(b.ticketId.slice(2))
  );
}

type Action =
  | { kind: 'submit'; acme: boolean; severity: Severity }
  | { kind: 'claim' }
  | { kind: 'release'; pick: number }
  | { kind: 'rekey'; pick: number; severity: Severity };

const severity = fc.constantFrom(...SEVERITIES);
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('submit' as const), acme: fc.boolean(), severity }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('claim' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('rekey' as const), pick: fc.nat(), severity }),
  },
);
/** A step: a batch of actions sent at once, or the customer's contract starting or ending. */
const step = fc.oneof(
  { weight: 5, arbitrary: fc.array(action, { minLength: 1, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constant('toggle-contract' as const) },
);

describe('queue position (SPEC §10)', () => {
  const { api, tokens } = useStack({
    agent: { sub: 'alice', groups: ['agents'] },
    admin: { sub: 'root', groups: ['admins'] },
  });

  beforeAll(async () => {
    // ACME is known from the start (without contract), so its tickets carry its id and
    // move when its contract starts or ends.
    await setContract(false);
  });

  async function setContract(on: boolean) {
    const response = await api.request('PUT', '/customers/acme', {
      token: tokens.admin,
      body: {
        name: 'ACME GmbH',
        domains: ['acme.de'],
        contacts: [],
        ...(on ? { contract: OPEN_CONTRACT } : {}),
      },
    });
    expect([200, 201]).toContain(response.status);
    return Number(response.json.regroupedTickets ?? 0);
  }

  /** Every waiting ticket's position, read by its customer, against the model. */
  async function expectPositions(open: Map<string, ModelTicket>, held: Map<string, ModelTicket>) {
    const order = [...open.values()].sort(byQueueRules);
    await Promise.all(
      order.map(async (ticket, index) => {
        const view = await api.request('GET', `/tickets/${ticket.ticketId}`, {
          headers: { 'x-ticket-token': ticket.token },
        });
        expect(view.status).toBe(200);
        const ahead = order.slice(0, index);
        const queue = view.json.queue as Record<string, unknown>;
        expect({ id: ticket.ticketId, ...queue, estimatedStart: undefined }).toEqual({
          id: ticket.ticketId,
          position: index + 1,
          aheadContract: ahead.filter((t) => t.group === 'contract').length,
          aheadStandard: ahead.filter((t) => t.group === 'standard').length,
          estimatedStart: undefined,
        });
      }),
    );
    // Held tickets carry no position, for the customer nor for agents.
    for (const ticket of [...held.values()].slice(0, 3)) {
      const view = await api.request('GET', `/tickets/${ticket.ticketId}`, { token: tokens.agent });
      expect(view.json.status).not.toBe('open');
      expect(view.json.queue).toBeUndefined();
    }
  }

  it('is exact while tickets are added, claimed, released, re-keyed and re-grouped at once', async () => {
    let contract = false;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        // Each run starts from an empty queue: what earlier runs left waiting is taken.
        while ((await api.request('POST', '/queue/claim', { token: tokens.agent })).status === 200);
        const open = new Map<string, ModelTicket>();
        const held = new Map<string, ModelTicket>();
        for (const current of steps) {
          if (current === 'toggle-contract') {
            contract = !contract;
            const regrouped = await setContract(contract);
            // Waiting tickets whose group differs move; one released after being held
            // through a change may already be in the new group.
            const group = contract ? 'contract' : 'standard';
            const moved = [...open.values()].filter((t) => t.acme && t.group !== group);
            expect(regrouped).toBe(moved.length);
            for (const t of moved) t.group = group;
          } else {
            const heldIds = [...held.keys()];
            const openIds = [...open.keys()];
            const releasing = new Set<string>();
            const rekeying = new Set<string>();
            // A claim of this batch may take a ticket submitted in the same batch before the
            // submission's answer reached the model: it goes to `held` once that answer comes.
            const claimedBeforeKnown = new Set<string>();
            await Promise.all(
              current.map(async (a) => {
                if (a.kind === 'submit') {
                  const t = await api.submit({
                    email: a.acme ? 'it@acme.de' : 'someone@elsewhere.example',
                    severity: a.severity,
                  });
                  const known = { ...t, token: t.accessToken, acme: a.acme };
                  if (claimedBeforeKnown.delete(t.ticketId)) held.set(t.ticketId, known);
                  else open.set(t.ticketId, known);
                } else if (a.kind === 'claim') {
                  const r = await api.request('POST', '/queue/claim', { token: tokens.agent });
                  if (r.status !== 200) return;
                  const id = String(r.json.ticketId);
                  const known = open.get(id);
                  if (!known) {
                    claimedBeforeKnown.add(id);
                    return;
                  }
                  open.delete(id);
                  held.set(id, known);
                  const reason = r.json.claimReason as Record<string, unknown>;
                  expect(reason.group).toBe(r.json.group);
                  expect(reason.severity).toBe(r.json.severity);
                } else if (a.kind === 'release') {
                  const id = heldIds[a.pick % Math.max(1, heldIds.length)];
                  if (!id || releasing.has(id)) return;
                  releasing.add(id);
                  const r = await api.request('POST', `/tickets/${id}/release`, {
                    token: tokens.agent,
                  });
                  expect(r.status).toBe(200);
                  const known = held.get(id) as ModelTicket;
                  held.delete(id);
                  open.set(id, {
                    ...known,
                    group: String(r.json.group),
                    severity: String(r.json.severity),
                  });
                } else {
                  const id = openIds[a.pick % Math.max(1, openIds.length)];
                  if (!id || rekeying.has(id)) return;
                  rekeying.add(id);
                  const r = await api.request('PATCH', `/tickets/${id}`, {
                    token: tokens.agent,
                    body: { severity: a.severity },
                  });
                  if (r.status !== 200) return;
                  const known = open.get(id) ?? held.get(id);
                  if (known) known.severity = String(r.json.severity);
                }
              }),
            );
            // Every ticket a claim took was one the model knew by the end of the batch.
            expect([...claimedBeforeKnown]).toEqual([]);
          }
          await expectPositions(open, held);
        }
      }),
      { numRuns: 12 },
    );
  }, 240_000);

  it('answers a claim with why it was next: group, severity, minutes waited, and the tickets it went ahead of', async () => {
    for (const [acme, sev] of [
      [false, 'low'],
      [true, 'normal'],
      [false, 'critical'],
    ] as const) {
      await api.submit({
        email: acme ? 'it@acme.de' : 'someone@elsewhere.example',
        severity: sev,
      });
    }
    // The test before raced claims against each other; for a moment after a lost race an
    // instance spreads its claims over the top of the queue (by design). Without
    // contention a claim takes the head, which is what this test checks.
    await new Promise((resolve) => setTimeout(resolve, CONTENTION_MS + 100));
    for (let claims = 0; claims < 3; claims++) {
      // The whole queue as agents see it, page by page.
      const waiting: { ticketId: string; group: string; severity: string }[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor
          ? `?limit=100&cursor=${encodeURIComponent(cursor)}`
          : '?limit=100';
        const page = await api.request('GET', `/queue${query}`, { token: tokens.agent });
        expect(page.status).toBe(200);
        waiting.push(...(page.json.items as typeof waiting));
        cursor = page.json.nextCursor as string | null;
      } while (cursor);
      const head = waiting[0];
      if (!head) throw new Error('the queue is empty');
      const claimed = await api.request('POST', '/queue/claim', { token: tokens.agent });
      expect(claimed.status).toBe(200);
      expect(claimed.json.ticketId).toBe(head.ticketId);
      const rest = waiting.slice(1);
      expect(claimed.json.claimReason).toEqual({
        group: head.group,
        severity: head.severity,
        waitedMinutes: expect.any(Number),
        ahead: {
          contract: rest.filter((t) => t.group === 'contract').length,
          standard: rest.filter((t) => t.group === 'standard').length,
        },
      });
    }
  });

  it('acknowledges a standard ticket with the count waiting before it at receipt, however late the mail goes', async () => {
    while ((await api.request('POST', '/queue/claim', { token: tokens.agent })).status === 200);
    for (let i = 0; i < 3; i++) {
      await api.submit({ email: `before-${i}@elsewhere.example`, severity: 'normal' });
    }
    // The outbox is down while the ticket is received: its acknowledgement waits, stored
    // with the ticket, for the sweeper.
    const outbox: Outbox = withOutbox(dependencies()).outbox;
    const publish = Object.getOwnPropertyDescriptor(outbox, 'publish');
    outbox.publish = () => Promise.reject(new Error('the outbox is down (test)'));
    let late: Awaited<ReturnType<TestStack['submit']>>;
    try {
      late = await api.submit({ email: 'late@elsewhere.example', severity: 'normal' });
      // Meanwhile the queue moves: two taken, a more urgent one arrives.
      for (let i = 0; i < 2; i++) {
        expect((await api.request('POST', '/queue/claim', { token: tokens.agent })).status).toBe(
          200,
        );
      }
      await api.submit({ email: 'urgent@elsewhere.example', severity: 'critical' });
    } finally {
      if (publish) Object.defineProperty(outbox, 'publish', publish);
      else delete (outbox as Partial<Outbox>).publish;
    }
    const live = await api.request('GET', `/tickets/${late.ticketId}`, {
      headers: { 'x-ticket-token': late.accessToken },
    });
    expect(live.json.queue).toMatchObject({ position: 3, aheadStandard: 2 });
    // Agents see the same place in the ticket's full view (SPEC §10).
    const forAgents = await api.request('GET', `/tickets/${late.ticketId}`, {
      token: tokens.agent,
    });
    expect(forAgents.json.queue).toEqual(live.json.queue);
    // A ticket received now, with the outbox up, is told the queue of its receipt too.
    const onTime = await api.submit({ email: 'ontime@elsewhere.example', severity: 'normal' });

    const ackTo = async (email: string) => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const mails = await api.mailTo((m) => m.destination.to.some((to) => to.includes(email)));
        if (mails.length > 0 || Date.now() > deadline) return mails;
        // The sweeper runs every 2 s for acknowledgements older than 2 s.
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    };
    const [lateMail] = await ackTo('late@elsewhere.example');
    expect(lateMail?.subject).toContain(late.ticketId);
    expect(lateMail?.body.text).toContain(
      'Als Ihre Anfrage einging, warteten 3 Anfragen vor Ihrer.',
    );
    const [onTimeMail] = await ackTo('ontime@elsewhere.example');
    expect(onTimeMail?.subject).toContain(onTime.ticketId);
    // The urgent one, the one left of the first three, and the late one.
    expect(onTimeMail?.body.text).toContain(
      'Als Ihre Anfrage einging, warteten 3 Anfragen vor Ihrer.',
    );
  }, 60_000);
});
