import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { billingMonthOf } from '../../../functions/domain/billing';
import { berlinDay } from '../../../functions/domain/calendar';

/** The billing month of work recorded at an instant (no explicit work date). */
const monthAt = (instant: string) => billingMonthOf(berlinDay(instant));

/**
 * Berlin is UTC+1 (CET) in winter and UTC+2 (CEST) in summer; in 2026 the clocks go
 * forward on 2026-03-29 at 01:00Z (02:00 CET → 03:00 CEST) and back on 2026-10-25 at
 * 01:00Z (03:00 CEST → 02:00 CET).
 */
describe('berlinDay + billingMonthOf across month ends and DST changes', () => {
  it.each([
    // End of January (CET, UTC+1): midnight is 23:00Z.
    ['2026-01-31T22:59:59.999Z', '2026-01-31', '2026-01'],
    ['2026-01-31T23:00:00.000Z', '2026-02-01', '2026-02'],
    // End of February (CET).
    ['2026-02-28T22:59:59.999Z', '2026-02-28', '2026-02'],
    ['2026-02-28T23:00:00.000Z', '2026-03-01', '2026-03'],
    // End of March, after the change to summer time (CEST, UTC+2): midnight is 22:00Z.
    ['2026-03-31T21:59:59.999Z', '2026-03-31', '2026-03'],
    ['2026-03-31T22:00:00.000Z', '2026-04-01', '2026-04'],
    // Before 23:00Z (midnight in winter time), and yet already April in summer time.
    ['2026-03-31T22:30:00.000Z', '2026-04-01', '2026-04'],
    ['2026-03-31T23:00:00.000Z', '2026-04-01', '2026-04'],
    // End of June and September (CEST).
    ['2026-06-30T21:59:59.999Z', '2026-06-30', '2026-06'],
    ['2026-06-30T22:00:00.000Z', '2026-07-01', '2026-07'],
    ['2026-09-30T21:59:59.999Z', '2026-09-30', '2026-09'],
    ['2026-09-30T22:00:00.000Z', '2026-10-01', '2026-10'],
    // End of October, after the change back to winter time (CET, UTC+1): midnight is 23:00Z.
    ['2026-10-31T21:59:59.999Z', '2026-10-31', '2026-10'],
    ['2026-10-31T22:00:00.000Z', '2026-10-31', '2026-10'],
    ['2026-10-31T22:59:59.999Z', '2026-10-31', '2026-10'],
    ['2026-10-31T23:00:00.000Z', '2026-11-01', '2026-11'],
    // End of the year (CET).
    ['2026-12-31T22:59:59.999Z', '2026-12-31', '2026-12'],
    ['2026-12-31T23:00:00.000Z', '2027-01-01', '2027-01'],
  ])('%s is Berlin day %s, billed in %s', (instant, day, month) => {
    expect(berlinDay(instant)).toBe(day);
    expect(berlinDay(new Date(instant))).toBe(day);
    expect(monthAt(instant)).toBe(month);
  });

  describe('on 2026-03-29 (clocks go forward, 23 hours long)', () => {
    it.each([
      // The day starts at 00:00 CET = 23:00Z the day before.
      ['2026-03-28T22:59:59.999Z', '2026-03-28'],
      ['2026-03-28T23:00:00.000Z', '2026-03-29'],
      // 01:59:59 CET, then 03:00 CEST: both the same day.
      ['2026-03-29T00:59:59.999Z', '2026-03-29'],
      ['2026-03-29T01:00:00.000Z', '2026-03-29'],
      // The day ends at 24:00 CEST = 22:00Z.
      ['2026-03-29T21:59:59.999Z', '2026-03-29'],
      ['2026-03-29T22:00:00.000Z', '2026-03-30'],
    ])('%s is Berlin day %s', (instant, day) => {
      expect(berlinDay(instant)).toBe(day);
      expect(monthAt(instant)).toBe('2026-03');
    });

    it('has 23 hours', () => {
      const start = Date.parse('2026-03-28T23:00:00.000Z');
      const end = Date.parse('2026-03-29T22:00:00.000Z');
      expect((end - start) / 3_600_000).toBe(23);
      expect(berlinDay(new Date(start - 1))).toBe('2026-03-28');
      expect(berlinDay(new Date(end - 1))).toBe('2026-03-29');
      expect(berlinDay(new Date(end))).toBe('2026-03-30');
    });
  });

  describe('on 2026-10-25 (clocks go back, 25 hours long)', () => {
    it.each([
      // The day starts at 00:00 CEST = 22:00Z the day before.
      ['2026-10-24T21:59:59.999Z', '2026-10-24'],
      ['2026-10-24T22:00:00.000Z', '2026-10-25'],
      // 02:xx CEST and then 02:xx CET again: both the same day.
      ['2026-10-25T00:30:00.000Z', '2026-10-25'],
      ['2026-10-25T01:30:00.000Z', '2026-10-25'],
      // The day ends at 24:00 CET = 23:00Z.
      ['2026-10-25T22:59:59.999Z', '2026-10-25'],
      ['2026-10-25T23:00:00.000Z', '2026-10-26'],
    ])('%s is Berlin day %s', (instant, day) => {
      expect(berlinDay(instant)).toBe(day);
      expect(monthAt(instant)).toBe('2026-10');
    });

    it('has 25 hours', () => {
      const start = Date.parse('2026-10-24T22:00:00.000Z');
      const end = Date.parse('2026-10-25T23:00:00.000Z');
      expect((end - start) / 3_600_000).toBe(25);
      expect(berlinDay(new Date(start - 1))).toBe('2026-10-24');
      expect(berlinDay(new Date(start))).toBe('2026-10-25');
      expect(berlinDay(new Date(end - 1))).toBe('2026-10-25');
      expect(berlinDay(new Date(end))).toBe('2026-10-26');
    });
  });

  it('changes day exactly once per Berlin midnight: at 22:00Z in summer, 23:00Z in winter', () => {
    // Walk 2026 in steps of one hour; the day changes only at Berlin midnight.
    let previous = berlinDay('2025-12-31T23:00:00.000Z');
    expect(previous).toBe('2026-01-01');
    let changes = 0;
    for (
      let t = Date.parse('2026-01-01T00:00:00.000Z');
      t < Date.parse('2027-01-01T00:00:00Z');
      t += 3_600_000
    ) {
      const day = berlinDay(new Date(t));
      if (day !== previous) {
        changes++;
        const hour = new Date(t).getUTCHours();
        const summer =
          t >= Date.parse('2026-03-29T01:00:00Z') && t < Date.parse('2026-10-25T01:00:00Z');
        expect(hour).toBe(summer ? 22 : 23);
        previous = day;
      }
    }
    // Into 2026-01-02 … 2026-12-31 and 2027-01-01 (which starts at 2026-12-31T23:00Z).
    expect(changes).toBe(365);
  });

  it('puts any instant in the month of its Berlin day, one hour or two ahead of UTC (property)', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2099-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (instant) => {
          const day = berlinDay(instant);
          const plusOne = new Date(instant.getTime() + 3_600_000).toISOString().slice(0, 10);
          const plusTwo = new Date(instant.getTime() + 7_200_000).toISOString().slice(0, 10);
          expect([plusOne, plusTwo]).toContain(day);
          expect(billingMonthOf(day)).toBe(day.slice(0, 7));
          expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        },
      ),
    );
  });
});
