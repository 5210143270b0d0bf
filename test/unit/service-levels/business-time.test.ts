import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../../functions/domain/service-levels/business-time';
import { publicHolidays } from '../../../functions/domain/service-levels/holidays';
import {
  DEFAULT_PLANS,
  type ServiceLevelPlan,
} from '../../../functions/domain/service-levels/plan';

const office = DEFAULT_PLANS[0] as ServiceLevelPlan;
const split: ServiceLevelPlan = {
  ...office,
  planId: 'split',
  region: 'DE-BY',
  businessHours: {
    mon: [
      ['08:00', '12:00'],
      ['13:00', '17:00'],
    ],
    tue: [['08:00', '17:00']],
    wed: [['08:00', '17:00']],
    thu: [['08:00', '17:00']],
    fri: [['08:00', '14:30']],
    sat: [['10:00', '12:00']],
    sun: [],
  },
  closedDates: ['2026-12-24', '2026-12-31'],
};
const allDay: ServiceLevelPlan['businessHours'] = {
  mon: [['00:00', '24:00']],
  tue: [['00:00', '24:00']],
  wed: [['00:00', '24:00']],
  thu: [['00:00', '24:00']],
  fri: [['00:00', '24:00']],
  sat: [['00:00', '24:00']],
  sun: [['00:00', '24:00']],
};
const around = { ...office, planId: 'around', region: 'none' as const, businessHours: allDay };
const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);

const instant = fc
  .integer({ min: at('2026-01-01T00:00:00Z'), max: at('2028-12-31T00:00:00Z') })
  .map((ms) => ms - (ms % 1000));
const businessMs = fc.integer({ min: 0, max: 60 * 24 * 60 }).map((s) => s * 1000);
const plans = fc.constantFrom(office, split, around, DEFAULT_PLANS[1] as ServiceLevelPlan);

describe('business time', () => {
  it('examples: evening, weekend, holidays, closed dates', () => {
    const c = new BusinessCalendar(office);
    // Friday 16:30 Berlin + 60 min: 30 min Friday, 30 min Monday from 08:00.
    expect(new Date(c.add(at('2026-12-04T15:30:00Z'), 60 * MIN)).toISOString()).toBe(
      '2026-12-07T07:30:00.000Z',
    );
    // Christmas Eve evening: 25th, 26th holidays, 27th Sunday: Monday 08:00 (CET).
    expect(new Date(c.nextOpening(at('2026-12-24T20:00:00Z'))).toISOString()).toBe(
      '2026-12-28T07:00:00.000Z',
    );
    const s = new BusinessCalendar(split);
    expect(s.isClosedDay('2026-12-24')).toBe(true);
    expect(s.isClosedDay('2026-01-06')).toBe(true);
    // Monday lunch break: 11:30 + 60 min → 13:30.
    expect(new Date(s.add(at('2026-12-07T10:30:00Z'), 60 * MIN)).toISOString()).toBe(
      '2026-12-07T12:30:00.000Z',
    );
  });

  it('a target that runs out exactly at the end of an open interval is due at that end', () => {
    const c = new BusinessCalendar(office);
    // Monday 08:00 + 9 h = Monday 17:00, not Tuesday 08:00.
    expect(new Date(c.add(at('2026-12-07T07:00:00Z'), 9 * 60 * MIN)).toISOString()).toBe(
      '2026-12-07T16:00:00.000Z',
    );
    const s = new BusinessCalendar(split);
    expect(new Date(s.add(at('2026-12-07T07:00:00Z'), 4 * 60 * MIN)).toISOString()).toBe(
      '2026-12-07T11:00:00.000Z',
    );
  });

  it('DST days have 23 and 25 hours; exact to the second', () => {
    const c = new BusinessCalendar(around);
    expect(c.between(at('2026-03-28T23:00:00Z'), at('2026-03-29T22:00:00Z'))).toBe(23 * 60 * MIN);
    expect(c.between(at('2026-10-24T22:00:00Z'), at('2026-10-25T23:00:00Z'))).toBe(25 * 60 * MIN);
    // Office hours across the spring change: Friday 16:00 CET + 2 h = Monday 09:00 CEST.
    const o = new BusinessCalendar(office);
    expect(new Date(o.add(at('2026-03-27T15:00:00Z'), 2 * 60 * MIN)).toISOString()).toBe(
      '2026-03-30T07:00:00.000Z',
    );
    expect(o.add(at('2026-03-30T06:00:00.250Z'), 1500)).toBe(at('2026-03-30T06:00:01.750Z'));
  });

  it('adding then measuring gives back the business time', () => {
    fc.assert(
      fc.property(plans, instant, businessMs, (plan, start, span) => {
        const c = new BusinessCalendar(plan);
        const due = c.add(start, span);
        expect(c.between(start, due)).toBe(span);
      }),
      { numRuns: 300 },
    );
  });

  it('a due time never falls in a closed hour (it may end an interval)', () => {
    fc.assert(
      fc.property(
        plans,
        instant,
        businessMs.filter((s) => s > 0),
        (plan, start, span) => {
          const c = new BusinessCalendar(plan);
          const due = c.add(start, span);
          // Just before the due instant the calendar is open.
          expect(c.isOpen(due - 1)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is monotone in the target', () => {
    fc.assert(
      fc.property(plans, instant, businessMs, businessMs, (plan, start, a, b) => {
        const c = new BusinessCalendar(plan);
        const [small, large] = a <= b ? [a, b] : [b, a];
        expect(c.add(start, small)).toBeLessThanOrEqual(c.add(start, large));
        if (small < large) expect(c.add(start, small)).toBeLessThan(c.add(start, large));
      }),
      { numRuns: 300 },
    );
  });

  it('in DST weeks too: add then measure, and the all-day calendar is elapsed time', () => {
    const dstWeek = fc
      .constantFrom(
        '2026-03-26T00:00:00Z',
        '2026-10-22T00:00:00Z',
        '2027-03-25T00:00:00Z',
        '2027-10-28T00:00:00Z',
      )
      .chain((week) => fc.integer({ min: 0, max: 5 * 24 * 3600 }).map((s) => at(week) + s * 1000));
    fc.assert(
      fc.property(plans, dstWeek, businessMs, (plan, start, span) => {
        const c = new BusinessCalendar(plan);
        expect(c.between(start, c.add(start, span))).toBe(span);
        expect(new BusinessCalendar(around).add(start, span)).toBe(start + span);
      }),
      { numRuns: 300 },
    );
  });

  it('BY and NI differ by exactly their state holidays', () => {
    const by = new BusinessCalendar({ ...office, region: 'DE-BY' });
    const ni = new BusinessCalendar({ ...office, region: 'DE-NI' });
    for (const year of [2026, 2027, 2028]) {
      const byOnly = publicHolidays('DE-BY', year).map((h) => h.day);
      const niOnly = publicHolidays('DE-NI', year).map((h) => h.day);
      const from = at(`${year}-01-01T00:00:00Z`);
      const to = at(`${year + 1}-01-01T00:00:00Z`);
      // Open business days that one has and the other lacks, weighted by their hours.
      const workdayHours = (days: string[]) =>
        days.filter((d) => {
          const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
          return wd >= 1 && wd <= 5;
        }).length *
        9 *
        60 *
        MIN;
      const extraBy = workdayHours(byOnly.filter((d) => !niOnly.includes(d)));
      const extraNi = workdayHours(niOnly.filter((d) => !byOnly.includes(d)));
      expect(ni.between(from, to) - by.between(from, to)).toBe(extraBy - extraNi);
      for (const d of byOnly.filter((day) => !niOnly.includes(day))) {
        expect(by.isClosedDay(d)).toBe(true);
        expect(ni.isClosedDay(d)).toBe(false);
      }
    }
  });
});
