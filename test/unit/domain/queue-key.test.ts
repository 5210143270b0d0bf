import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareQueuePositions,
  decodeQueueKey,
  encodeQueueKey,
  type QueuePosition,
} from '../../../functions/domain/queue-key';
import type { Group, Severity } from '../../../functions/domain/ticket';

/** SPEC §3, written out here without looking at the implementation's rank tables. */
const GROUP_ORDER: readonly Group[] = ['contract', 'standard'];
const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'normal', 'low'];

function ticketNumber(ticketId: string): bigint {
  const match = /^T-(\d+)$/.exec(ticketId);
  if (!match?.[1]) throw new Error(`not a ticket id: ${ticketId}`);
  return BigInt(match[1]);
}

function bySpec(a: QueuePosition, b: QueuePosition): number {
  const group = GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group);
  if (group !== 0) return group;
  const severity = SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity);
  if (severity !== 0) return severity;
  const received = new Date(a.receivedAt).getTime() - new Date(b.receivedAt).getTime();
  if (received !== 0) return received;
  const na = ticketNumber(a.ticketId);
  const nb = ticketNumber(b.ticketId);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

const byKey = (a: QueuePosition, b: QueuePosition): number => {
  const ka = encodeQueueKey(a);
  const kb = encodeQueueKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/** DynamoDB compares string sort keys by their UTF-8 bytes. */
const byUtf8Bytes = (a: QueuePosition, b: QueuePosition): number =>
  Buffer.compare(Buffer.from(encodeQueueKey(a), 'utf8'), Buffer.from(encodeQueueKey(b), 'utf8'));

const MIN_MS = Date.UTC(2000, 0, 1);
const MAX_MS = Date.UTC(2099, 11, 31, 23, 59, 59, 999);

/** Instants, often colliding so that the later tie-breakers get exercised. */
const receivedAt = fc
  .oneof(
    fc.integer({ min: MIN_MS, max: MAX_MS }),
    fc.constantFrom(
      Date.UTC(2026, 0, 1),
      Date.UTC(2026, 0, 1, 0, 0, 0, 1),
      Date.UTC(2026, 0, 1, 0, 0, 1),
      Date.UTC(2026, 11, 31, 23, 59, 59, 999),
    ),
  )
  .map((ms) => new Date(ms).toISOString());

/** Ticket ids as TICKET_ID_PATTERN allows them (1 to 12 digits), often crossing a digit count. */
const ticketId = fc
  .oneof(
    fc.integer({ min: 1, max: 999_999_999_999 }),
    fc.constantFrom(9, 10, 99, 100, 9_999, 10_000, 10_001, 99_999, 100_000),
  )
  .map((n) => `T-${n}`);

const position: fc.Arbitrary<QueuePosition> = fc.record({
  group: fc.constantFrom(...GROUP_ORDER),
  severity: fc.constantFrom(...SEVERITY_ORDER),
  receivedAt,
  ticketId,
});

const ids = (positions: QueuePosition[]) => positions.map((p) => encodeQueueKey(p));

describe('queue key (SPEC §3)', () => {
  it('sorts by the encoded key exactly as by the rules and by compareQueuePositions', () => {
    fc.assert(
      fc.property(fc.array(position, { maxLength: 40 }), (positions) => {
        const expected = ids([...positions].sort(bySpec));
        expect(ids([...positions].sort(byKey))).toEqual(expected);
        expect(ids([...positions].sort(byUtf8Bytes))).toEqual(expected);
        expect(ids([...positions].sort(compareQueuePositions))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the rules pair by pair, including the sign of ties', () => {
    fc.assert(
      fc.property(position, position, (a, b) => {
        const expected = Math.sign(bySpec(a, b));
        expect(Math.sign(byKey(a, b))).toBe(expected);
        expect(Math.sign(compareQueuePositions(a, b))).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('encodes to printable ASCII only, so string order is byte order', () => {
    fc.assert(
      fc.property(position, (p) => {
        expect(encodeQueueKey(p)).toMatch(/^[\x21-\x7e]+$/);
      }),
    );
  });

  it('round-trips: decode(encode(position)) is the position', () => {
    fc.assert(
      fc.property(position, (p) => {
        expect(decodeQueueKey(encodeQueueKey(p))).toEqual(p);
      }),
    );
  });

  it('puts contract before standard whatever the severity and age', () => {
    const standardCritical: QueuePosition = {
      group: 'standard',
      severity: 'critical',
      receivedAt: '2020-01-01T00:00:00.000Z',
      ticketId: 'T-1',
    };
    const contractLow: QueuePosition = {
      group: 'contract',
      severity: 'low',
      receivedAt: '2026-01-01T00:00:00.000Z',
      ticketId: 'T-99999',
    };
    expect(encodeQueueKey(contractLow) < encodeQueueKey(standardCritical)).toBe(true);
  });

  it('orders ticket ids by number: T-9999 before T-10000', () => {
    const at = '2026-03-01T12:00:00.000Z';
    const t9999: QueuePosition = {
      group: 'contract',
      severity: 'high',
      receivedAt: at,
      ticketId: 'T-9999',
    };
    const t10000: QueuePosition = { ...t9999, ticketId: 'T-10000' };
    // As plain strings the ids sort the other way round; the key must not.
    expect('T-10000' < 'T-9999').toBe(true);
    expect(encodeQueueKey(t9999) < encodeQueueKey(t10000)).toBe(true);
    expect(compareQueuePositions(t9999, t10000)).toBeLessThan(0);
    expect(decodeQueueKey(encodeQueueKey(t10000)).ticketId).toBe('T-10000');
  });

  it('orders by time of receipt to the millisecond, before the ticket id', () => {
    const older: QueuePosition = {
      group: 'standard',
      severity: 'normal',
      receivedAt: '2026-03-01T12:00:00.001Z',
      ticketId: 'T-2',
    };
    const newer: QueuePosition = {
      ...older,
      receivedAt: '2026-03-01T12:00:00.002Z',
      ticketId: 'T-1',
    };
    expect(encodeQueueKey(older) < encodeQueueKey(newer)).toBe(true);
    expect(compareQueuePositions(older, newer)).toBeLessThan(0);
  });

  it.each([
    '2026-03-01T12:00:00Z',
    '2026-03-01T12:00:00.00Z',
    '2026-03-01T12:00:00.0000Z',
    '2026-03-01T12:00:00.000+01:00',
    '2026-03-01T12:00:00.000',
    '2026-03-01 12:00:00.000Z',
    '2026-03-01',
    '+002026-03-01T12:00:00.000Z',
    'Sun, 01 Mar 2026 12:00:00 GMT',
    '',
  ])('rejects receivedAt %j (not ISO-8601 UTC with ms)', (value) => {
    expect(() =>
      encodeQueueKey({ group: 'standard', severity: 'low', receivedAt: value, ticketId: 'T-1' }),
    ).toThrow(RangeError);
  });

  it.each([
    '',
    'garbage',
    '3#1#2026-03-01T12:00:00.000Z#T-000000000001',
    '1#5#2026-03-01T12:00:00.000Z#T-000000000001',
    '1#1#2026-03-01T12:00:00Z#T-000000000001',
    '1#1#2026-03-01T12:00:00.000Z',
    '1#1#2026-03-01T12:00:00.000Z#',
  ])('does not decode %j', (key) => {
    expect(() => decodeQueueKey(key)).toThrow(RangeError);
  });
});
