import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBusinessMinutes,
  businessMinutesBetween,
  estimateStart,
  isBusinessHour,
  MIN_CLAIMS,
} from '../../../functions/domain/queue-estimate';

// Monday 4 May 2026; Berlin is UTC+2 (summer time), so 08:00–17:00 Berlin = 06:00–15:00 UTC.
const MONDAY_9_BERLIN = new Date('2026-05-04T07:00:00.000Z');
const history = (claims: number, since = new Date('2026-04-27T07:00:00.000Z')) => ({
  claims: { contract: Math.floor(claims / 2), standard: claims - Math.floor(claims / 2) },
  since,
});

describe('business hours (Europe/Berlin, Mon–Fri 08:00–17:00)', () => {
  it('knows office hours across summer and winter time', () => {
    expect(isBusinessHour(new Date('2026-05-04T06:00:00Z'))).toBe(true); // 08:00 CEST
    expect(isBusinessHour(new Date('2026-05-04T05:00:00Z'))).toBe(false); // 07:00 CEST
    expect(isBusinessHour(new Date('2026-05-04T15:00:00Z'))).toBe(false); // 17:00 CEST
    expect(isBusinessHour(new Date('2026-12-07T07:00:00Z'))).toBe(true); // 08:00 CET
    expect(isBusinessHour(new Date('2026-12-07T06:00:00Z'))).toBe(false); // 07:00 CET
    expect(isBusinessHour(new Date('2026-05-09T10:00:00Z'))).toBe(false); // Saturday
  });

  it('counts 45 business hours in a whole week', () => {
    expect(
      businessMinutesBetween(new Date('2026-04-27T00:00:00Z'), new Date('2026-05-04T00:00:00Z')),
    ).toBe(45 * 60);
  });

  it('moves over the night and the weekend', () => {
    // Friday 16:30 Berlin + 60 business minutes = Monday 08:30 Berlin.
    expect(addBusinessMinutes(new Date('2026-05-08T14:30:00Z'), 60)?.toISOString()).toBe(
      '2026-05-11T06:30:00.000Z',
    );
  });

  it('adding is the inverse of counting', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 * 24 * 30 }),
        fc.integer({ min: 1, max: 5000 }),
        (offset, minutes) => {
          const from = new Date(MONDAY_9_BERLIN.getTime() + offset * 60_000);
          const to = addBusinessMinutes(from, minutes);
          expect(to).toBeDefined();
          expect(businessMinutesBetween(from, to as Date)).toBeCloseTo(minutes, 6);
        },
      ),
    );
  });
});

describe('estimateStart', () => {
  it('is null while there is too little history', () => {
    expect(estimateStart(3, history(MIN_CLAIMS - 1), MONDAY_9_BERLIN)).toBeNull();
    expect(estimateStart(3, history(MIN_CLAIMS), MONDAY_9_BERLIN)).not.toBeNull();
  });

  it('gives a range around position ÷ rate, on business hours', () => {
    // 450 claims in the 45 business hours of last week: 10 an hour.
    const range = estimateStart(20, history(450), MONDAY_9_BERLIN);
    expect(range).not.toBeNull();
    const earliest = Date.parse(range?.earliest ?? '');
    const latest = Date.parse(range?.latest ?? '');
    const expected = MONDAY_9_BERLIN.getTime() + 2 * 3_600_000; // 20 at 10 an hour
    expect(earliest).toBeLessThan(expected);
    expect(latest).toBeGreaterThan(expected);
    expect(earliest).toBeGreaterThanOrEqual(MONDAY_9_BERLIN.getTime());
  });

  it('moves later with the position, and never ends before it begins', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 200, max: 5000 }),
        (p, claims) => {
          const a = estimateStart(p, history(claims), MONDAY_9_BERLIN);
          const b = estimateStart(p + 10, history(claims), MONDAY_9_BERLIN);
          if (!a || !b) throw new Error('expected estimates');
          expect(a.earliest <= a.latest).toBe(true);
          expect(b.latest >= a.latest).toBe(true);
          expect(b.earliest >= a.earliest).toBe(true);
        },
      ),
    );
  });

  it('is narrower, relative to its middle, with more claims measured at the same rate', () => {
    const width = (claims: number, since: string) => {
      const range = estimateStart(100, history(claims, new Date(since)), MONDAY_9_BERLIN);
      if (!range) throw new Error('expected an estimate');
      return Date.parse(range.latest) - Date.parse(range.earliest);
    };
    // 45 claims in last week's 45 business hours vs 450 in the ten weeks' 450: both 1 an hour.
    // The window is what the caller measured; the rate alone decides the middle.
    expect(width(450, '2026-02-23T07:00:00.000Z')).toBeLessThan(
      width(45, '2026-04-27T07:00:00.000Z'),
    );
  });

  it('starts no earlier than the next opening when asked at night', () => {
    const saturday = new Date('2026-05-09T20:00:00Z');
    const range = estimateStart(1, history(450, new Date('2026-05-02T20:00:00Z')), saturday);
    expect(range?.earliest).toBe('2026-05-11T06:00:00.000Z'); // Monday 08:00 Berlin
  });
});
