import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamodb';
import { DynamoQueueCounters } from '../../functions/adapters/queue-counters';
import { DynamoTicketRepository } from '../../functions/adapters/ticket-repository';
import type { StoredTicket } from '../../functions/app/ports';
import { compareQueuePositions, encodeQueueKey } from '../../functions/domain/queue-key';
import { GROUPS, SEVERITIES } from '../../functions/domain/ticket';
import { aTicket } from '../unit/fakes';
import { useStack } from './harness';

/**
 * The bucket counters in the DynamoDB stand-in with receipt times spread over days and
 * hours (the HTTP test's tickets all arrive within minutes): every standing equals the
 * position in a model of the queue, through creates, claims, re-keys, regroups and
 * releases run at once, and a recount derives the same buckets.
 */
describe('queue bucket counters in the DynamoDB stand-in', () => {
  const { api } = useStack();
  let tickets: DynamoTicketRepository;
  let counters: DynamoQueueCounters;
  let nextNumber = 900_000;

  beforeAll(async () => {
    const db = createDocumentClient({
      endpoint: api.stack.dynamoDbEndpoint,
      region: 'eu-central-1',
    });
    counters = new DynamoQueueCounters(db, api.stack.tableName, { now: () => new Date() });
    tickets = new DynamoTicketRepository(db, api.stack.tableName, () => {}, counters);
  });

  const base = Date.UTC(2026, 4, 1, 0, 0, 0);
  const newTicket = fc.record({
    group: fc.constantFrom(...GROUPS),
    severity: fc.constantFrom(...SEVERITIES),
    // Three days, so tickets fall into several day buckets and hours of each.
    offsetMinutes: fc.integer({ min: 0, max: 3 * 24 * 60 - 1 }),
  });
  type Op =
    | {
        kind: 'create';
        t: {
          group: (typeof GROUPS)[number];
          severity: (typeof SEVERITIES)[number];
          offsetMinutes: number;
        };
      }
    | { kind: 'claim' | 'rekey' | 'regroup' | 'release'; pick: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: newTicket.map((t) => ({ kind: 'create' as const, t })) },
    ...(['claim', 'rekey', 'regroup', 'release'] as const).map((kind) => ({
      weight: 1,
      arbitrary: fc.nat().map((pick) => ({ kind, pick })),
    })),
  );

  async function expectExact(model: Map<string, StoredTicket>) {
    const open = [...model.values()].filter((t) => t.status === 'open').sort(compareQueuePositions);
    const now = new Date();
    // New standard tickets about to be stored, one beside each waiting ticket (a
    // millisecond later, in its hour) and one in an hour of its own: what their
    // acknowledgements will tell, from the buckets read once for all of them.
    const probes = [
      ...open.map((t, i) =>
        aTicket({
          ticketId: `T-${800_000 + i}`,
          group: 'standard',
          severity: t.severity,
          receivedAt: new Date(Date.parse(t.receivedAt) + 1).toISOString(),
        }),
      ),
      aTicket({
        ticketId: 'T-799999',
        group: 'standard',
        severity: 'low',
        receivedAt: now.toISOString(),
      }),
    ];
    const [standings, atReceipt] = await Promise.all([
      Promise.all(open.map((t) => counters.standing(encodeQueueKey(t), t.ticketId))),
      Promise.all(probes.map((p) => counters.aheadOfNew(encodeQueueKey(p), now))),
    ]);
    open.forEach((_, index) => {
      const ahead = open.slice(0, index);
      expect(standings[index]).toEqual({
        position: index + 1,
        aheadContract: ahead.filter((t) => t.group === 'contract').length,
        aheadStandard: ahead.filter((t) => t.group === 'standard').length,
      });
    });
    probes.forEach((probe, index) => {
      const ahead = open.filter((t) => compareQueuePositions(t, probe) < 0);
      expect({ probe: probe.ticketId, ...atReceipt[index] }).toEqual({
        probe: probe.ticketId,
        position: ahead.length + 1,
        aheadContract: ahead.filter((t) => t.group === 'contract').length,
        aheadStandard: ahead.filter((t) => t.group === 'standard').length,
      });
    });
    expect(await counters.waiting()).toEqual({
      contract: open.filter((t) => t.group === 'contract').length,
      standard: open.filter((t) => t.group === 'standard').length,
    });
  }

  it('counts every position exactly, also after a recount', async () => {
    const model = new Map<string, StoredTicket>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { minLength: 1, maxLength: 8 }), { maxLength: 6 }),
        async (batches) => {
          for (const batch of batches) {
            const touched = new Set<string>();
            await Promise.all(
              batch.map(async (o) => {
                if (o.kind === 'create') {
                  const ticketId = `T-${nextNumber++}`;
                  const receivedAt = new Date(base + o.t.offsetMinutes * 60_000).toISOString();
                  const ticket = aTicket({
                    ticketId,
                    receivedAt,
                    group: o.t.group,
                    severity: o.t.severity,
                  });
                  expect(await tickets.create(ticket)).toBe(true);
                  model.set(ticketId, ticket);
                  return;
                }
                const wanted = o.kind === 'release' ? 'in_progress' : 'open';
                const candidates = [...model.values()].filter(
                  (t) => t.status === wanted && !touched.has(t.ticketId),
                );
                const target = candidates[o.pick % Math.max(1, candidates.length)];
                if (!target) return;
                touched.add(target.ticketId);
                const at = new Date().toISOString();
                if (o.kind === 'claim') {
                  const claimed = await tickets.claim(target.ticketId, target.version, 'alice', at);
                  expect(claimed).toBeDefined();
                  if (claimed) model.set(claimed.ticketId, claimed);
                  return;
                }
                const next: StoredTicket =
                  o.kind === 'rekey'
                    ? {
                        ...target,
                        severity:
                          SEVERITIES[(SEVERITIES.indexOf(target.severity) + 1) % 4] ?? 'low',
                      }
                    : o.kind === 'regroup'
                      ? { ...target, group: target.group === 'contract' ? 'standard' : 'contract' }
                      : { ...target, status: 'open', assignee: undefined };
                const saved = { ...next, version: target.version + 1, updatedAt: at };
                expect(await tickets.save(saved, target.version)).toBe(true);
                model.set(saved.ticketId, saved);
              }),
            );
            await expectExact(model);
          }
          // Nothing drifted: the repair finds nothing to correct, twice.
          const waiting = [...model.values()].filter((t) => t.status === 'open').length;
          for (let run = 0; run < 2; run++) {
            expect(await counters.repair()).toMatchObject({
              counted: waiting,
              corrected: 0,
              suspected: 0,
            });
          }
          expect(await counters.rebuild()).toBe(waiting);
          await expectExact(model);
        },
      ),
      { numRuns: 15 },
    );
  }, 240_000);

  it('corrects a drifted bucket at the second run that finds it unchanged, never a live one', async () => {
    const db = createDocumentClient({
      endpoint: api.stack.dynamoDbEndpoint,
      region: 'eu-central-1',
    });
    // A queue of this test's own: what the test before left waiting is taken out first.
    for (let page = await tickets.queuePage(100); page.items.length > 0;) {
      for (const t of page.items) {
        await tickets.claim(t.ticketId, t.version, 'bob', new Date().toISOString());
      }
      page = await tickets.queuePage(100);
    }
    const model = new Map<string, StoredTicket>();
    const at = (minute: number) => new Date(Date.UTC(2026, 6, 1, 9, minute)).toISOString();
    for (const [i, severity] of (['high', 'normal', 'normal'] as const).entries()) {
      const ticket = aTicket({
        ticketId: `T-${nextNumber++}`,
        receivedAt: at(i),
        group: 'standard',
        severity,
      });
      expect(await tickets.create(ticket)).toBe(true);
      model.set(ticket.ticketId, ticket);
    }
    await counters.repair();
    await expectExact(model);
    // A process that died between a ticket's write and its counter's ADD: the ticket
    // waits in the index, its bucket does not count it.
    const lost = aTicket({
      ticketId: `T-${nextNumber++}`,
      receivedAt: at(30),
      group: 'standard',
      severity: 'normal',
    });
    const bare = new DynamoTicketRepository(db, api.stack.tableName);
    expect(await bare.create(lost)).toBe(true);
    model.set(lost.ticketId, lost);
    expect(await counters.waiting()).toEqual({ contract: 0, standard: 3 });

    // First run: seen, not yet trusted. A write to the bucket in between makes it live again.
    expect(await counters.repair()).toMatchObject({ corrected: 0, suspected: 1 });
    const live = aTicket({
      ticketId: `T-${nextNumber++}`,
      receivedAt: at(45),
      group: 'standard',
      severity: 'normal',
    });
    expect(await tickets.create(live)).toBe(true);
    model.set(live.ticketId, live);
    expect(await counters.repair()).toMatchObject({ corrected: 0, suspected: 1 });
    // Two runs with the bucket still: corrected, and every position is exact again.
    expect(await counters.repair()).toMatchObject({ corrected: 1, suspected: 0 });
    await expectExact(model);
    expect(await counters.repair()).toMatchObject({ corrected: 0, suspected: 0 });

    // Empty buckets go: once every ticket is claimed, the next run removes them.
    for (const t of model.values()) {
      const claimed = await tickets.claim(t.ticketId, t.version, 'alice', new Date().toISOString());
      expect(claimed).toBeDefined();
      if (claimed) model.set(claimed.ticketId, claimed);
    }
    expect((await counters.repair()).removed).toBeGreaterThanOrEqual(1);
    await expectExact(model);
    expect(await counters.repair()).toMatchObject({ counted: 0, removed: 0, suspected: 0 });
  }, 60_000);
});
