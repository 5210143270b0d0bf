import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareQueuePositions, encodeQueueKey } from '../../../functions/domain/queue-key';
import {
  bucketOf,
  counterMoves,
  type DayCounter,
  standingOf,
} from '../../../functions/domain/queue-position';
import { GROUPS, SEVERITIES } from '../../../functions/domain/ticket';

const ticket = fc.record({
  group: fc.constantFrom(...GROUPS),
  severity: fc.constantFrom(...SEVERITIES),
  receivedAt: fc
    .integer({ min: 0, max: 4 * 24 * 60 })
    .map((m) => new Date(Date.UTC(2026, 4, 1) + m * 60_000).toISOString()),
});

describe('standingOf', () => {
  it('equals the position in the sorted queue, from buckets and the own hour alone', () => {
    fc.assert(
      fc.property(fc.array(ticket, { minLength: 1, maxLength: 60 }), fc.nat(), (raw, pick) => {
        const queue = raw
          .map((t, i) => ({ ...t, ticketId: `T-${10000 + i}` }))
          .sort(compareQueuePositions);
        const counters = new Map<string, DayCounter>();
        for (const t of queue) {
          const b = bucketOf(encodeQueueKey(t));
          const c = counters.get(b.day) ?? { day: b.day, total: 0, hours: {} };
          c.total++;
          c.hours[b.hour] = (c.hours[b.hour] ?? 0) + 1;
          counters.set(b.day, c);
        }
        const index = pick % queue.length;
        const me = queue[index];
        if (!me) throw new Error('no ticket');
        const bucket = bucketOf(encodeQueueKey(me));
        const aheadInHour = queue
          .slice(0, index)
          .filter((t) => encodeQueueKey(t).startsWith(bucket.hourPrefix)).length;
        const ahead = queue.slice(0, index);
        expect(standingOf(bucket, [...counters.values()], aheadInHour)).toEqual({
          position: index + 1,
          aheadContract: ahead.filter((t) => t.group === 'contract').length,
          aheadStandard: ahead.filter((t) => t.group === 'standard').length,
        });
      }),
    );
  });
});

describe('counterMoves', () => {
  const key = (severity: 'high' | 'low', receivedAt: string) =>
    encodeQueueKey({ group: 'standard', severity, receivedAt, ticketId: 'T-10001' });

  it('enters, leaves, moves, and does nothing within one hour bucket', () => {
    const a = key('high', '2026-05-04T07:10:00.000Z');
    const b = key('low', '2026-05-04T07:10:00.000Z');
    expect(counterMoves(undefined, a)).toEqual([{ bucket: bucketOf(a), delta: 1 }]);
    expect(counterMoves(a, undefined)).toEqual([{ bucket: bucketOf(a), delta: -1 }]);
    expect(counterMoves(a, b)).toEqual([
      { bucket: bucketOf(a), delta: -1 },
      { bucket: bucketOf(b), delta: 1 },
    ]);
    expect(counterMoves(a, a)).toEqual([]);
    expect(counterMoves(a, key('high', '2026-05-04T07:50:00.000Z'))).toEqual([]);
  });

  it('refuses what is not a queue key', () => {
    expect(() => bucketOf('3#1#2026-05-04T07:10:00.000Z#T-1')).toThrow(RangeError);
  });
});
