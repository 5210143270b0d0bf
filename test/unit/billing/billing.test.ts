import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  billingMonthOf,
  chargeFor,
  isCovered,
  quantityFor,
} from '../../../functions/domain/billing';
import type { Contract } from '../../../functions/domain/customer';
import { UNITS, type ServiceCode, type Unit } from '../../../functions/domain/price-list';

const TIME_UNITS = { minute: 1, quarter_hour: 15, hour: 60 } as const;
type TimeUnit = keyof typeof TIME_UNITS;
const timeUnits = Object.keys(TIME_UNITS) as TimeUnit[];

const service = (unit: Unit, unitPriceCents = 3900, code = 'REMOTE'): ServiceCode => ({
  code,
  name: `Service ${code}`,
  unit,
  unitPriceCents,
});

const contract = (overrides: Partial<Contract> = {}): Contract => ({
  id: 'SMV-1',
  validFrom: '2026-01-01',
  validTo: '2026-12-31',
  includedMinutesPerMonth: 600,
  coveredServiceCodes: ['REMOTE', 'PHONE'],
  ...overrides,
});

/** Any whole number of minutes a month could plausibly hold, and then some. */
const anyMinutes = fc.integer({ min: 0, max: 1_000_000 });
const anyUnit = fc.constantFrom(...UNITS);
const anyTimeUnit = fc.constantFrom(...timeUnits);
const anyPrice = fc.integer({ min: 0, max: 100_000_000 });

describe('quantityFor', () => {
  it.each<[number, Unit, number]>([
    [0, 'minute', 0],
    [1, 'minute', 1],
    [14, 'minute', 14],
    [15, 'minute', 15],
    [59, 'minute', 59],
    [60, 'minute', 60],
    [61, 'minute', 61],
    [1440, 'minute', 1440],
    [0, 'quarter_hour', 0],
    [1, 'quarter_hour', 1],
    [14, 'quarter_hour', 1],
    [15, 'quarter_hour', 1],
    [16, 'quarter_hour', 2],
    [29, 'quarter_hour', 2],
    [30, 'quarter_hour', 2],
    [31, 'quarter_hour', 3],
    [44, 'quarter_hour', 3],
    [45, 'quarter_hour', 3],
    [46, 'quarter_hour', 4],
    [59, 'quarter_hour', 4],
    [60, 'quarter_hour', 4],
    [61, 'quarter_hour', 5],
    [1440, 'quarter_hour', 96],
    [0, 'hour', 0],
    [1, 'hour', 1],
    [14, 'hour', 1],
    [15, 'hour', 1],
    [16, 'hour', 1],
    [59, 'hour', 1],
    [60, 'hour', 1],
    [61, 'hour', 2],
    [119, 'hour', 2],
    [120, 'hour', 2],
    [121, 'hour', 3],
    [1440, 'hour', 24],
    [0, 'flat', 0],
    [1, 'flat', 1],
    [14, 'flat', 1],
    [15, 'flat', 1],
    [16, 'flat', 1],
    [59, 'flat', 1],
    [60, 'flat', 1],
    [61, 'flat', 1],
    [1440, 'flat', 1],
  ])('%d minutes per %s → %d', (minutes, unit, quantity) => {
    expect(quantityFor(minutes, unit)).toBe(quantity);
  });

  it('handles the largest safe number of minutes without losing precision', () => {
    expect(quantityFor(Number.MAX_SAFE_INTEGER, 'minute')).toBe(Number.MAX_SAFE_INTEGER);
    expect(quantityFor(Number.MAX_SAFE_INTEGER, 'flat')).toBe(1);
    expect(Number.isSafeInteger(quantityFor(Number.MAX_SAFE_INTEGER, 'hour'))).toBe(true);
  });

  it.each([-1, 1.5, 0.1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])(
    'refuses %d minutes',
    (minutes) => {
      for (const unit of UNITS) expect(() => quantityFor(minutes, unit)).toThrow(RangeError);
    },
  );

  it('counts every started unit: q × unit ≥ minutes > (q − 1) × unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), anyTimeUnit, (minutes, unit) => {
        const perUnit = TIME_UNITS[unit];
        const quantity = quantityFor(minutes, unit);
        expect(Number.isSafeInteger(quantity)).toBe(true);
        expect(quantity * perUnit).toBeGreaterThanOrEqual(minutes);
        expect((quantity - 1) * perUnit).toBeLessThan(minutes);
      }),
    );
  });

  it('bills nothing for no minutes, at every unit', () => {
    for (const unit of UNITS) expect(quantityFor(0, unit)).toBe(0);
  });

  it('bills flat once if anything is billed, else not at all', () => {
    fc.assert(
      fc.property(anyMinutes, (minutes) => {
        expect(quantityFor(minutes, 'flat')).toBe(minutes > 0 ? 1 : 0);
      }),
    );
  });

  it('never bills fewer units for more minutes (monotone)', () => {
    fc.assert(
      fc.property(anyMinutes, anyMinutes, anyUnit, (a, b, unit) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(quantityFor(low, unit)).toBeLessThanOrEqual(quantityFor(high, unit));
      }),
    );
  });

  it('is exact at whole units: n units of time are n units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), anyTimeUnit, (n, unit) => {
        expect(quantityFor(n * TIME_UNITS[unit], unit)).toBe(n);
        expect(quantityFor(n * TIME_UNITS[unit] + 1, unit)).toBe(n + 1);
      }),
    );
  });
});

describe('chargeFor', () => {
  const notCovered = { covered: false, allowanceLeft: 0 };

  it('bills a standard customer everything', () => {
    expect(chargeFor(31, service('quarter_hour', 3900), notCovered)).toEqual({
      coveredMinutes: 0,
      billableMinutes: 31,
      quantity: 3,
      unitPriceCents: 3900,
      amountCents: 11700,
    });
  });

  it('ignores any allowance when the entry is not covered', () => {
    expect(
      chargeFor(45, service('hour', 14500), { covered: false, allowanceLeft: 10_000 }),
    ).toEqual({
      coveredMinutes: 0,
      billableMinutes: 45,
      quantity: 1,
      unitPriceCents: 14500,
      amountCents: 14500,
    });
  });

  it('bills nothing when the allowance covers the entry', () => {
    expect(
      chargeFor(90, service('quarter_hour', 3900), { covered: true, allowanceLeft: 600 }),
    ).toEqual({
      coveredMinutes: 90,
      billableMinutes: 0,
      quantity: 0,
      unitPriceCents: 3900,
      amountCents: 0,
    });
  });

  it('bills nothing when the allowance left is exactly the entry', () => {
    expect(
      chargeFor(90, service('hour', 14500), { covered: true, allowanceLeft: 90 }),
    ).toMatchObject({ coveredMinutes: 90, billableMinutes: 0, quantity: 0, amountCents: 0 });
  });

  it('does not bill flat services that are fully covered', () => {
    expect(
      chargeFor(30, service('flat', 8900), { covered: true, allowanceLeft: 30 }),
    ).toMatchObject({ coveredMinutes: 30, billableMinutes: 0, quantity: 0, amountCents: 0 });
  });

  it.each<[Unit, number, number, number, number]>([
    // unit, minutes, allowance left, quantity of the rest, price
    ['quarter_hour', 50, 20, 2, 3900], // 30 billable → 2 quarter hours
    ['quarter_hour', 50, 34, 2, 3900], // 16 billable → 2
    ['quarter_hour', 50, 35, 1, 3900], // 15 billable → 1
    ['quarter_hour', 50, 49, 1, 3900], // 1 billable → 1
    ['hour', 130, 10, 2, 14500], // 120 billable → 2 hours
    ['hour', 130, 9, 3, 14500], // 121 billable → 3 hours
    ['minute', 50, 20, 30, 260],
    ['flat', 50, 20, 1, 8900],
    ['flat', 50, 49, 1, 8900],
  ])(
    'splits %s: %d minutes with %d left → the rest billed as %d units',
    (unit, minutes, allowanceLeft, quantity, price) => {
      expect(chargeFor(minutes, service(unit, price), { covered: true, allowanceLeft })).toEqual({
        coveredMinutes: allowanceLeft,
        billableMinutes: minutes - allowanceLeft,
        quantity,
        unitPriceCents: price,
        amountCents: quantity * price,
      });
    },
  );

  it.each([-1, -600, Number.MIN_SAFE_INTEGER])(
    'treats a negative allowance left (%d) as none',
    (allowanceLeft) => {
      expect(
        chargeFor(20, service('quarter_hour', 3900), { covered: true, allowanceLeft }),
      ).toEqual({
        coveredMinutes: 0,
        billableMinutes: 20,
        quantity: 2,
        unitPriceCents: 3900,
        amountCents: 7800,
      });
    },
  );

  it('charges nothing for zero minutes', () => {
    for (const unit of UNITS) {
      expect(chargeFor(0, service(unit, 9999), notCovered)).toMatchObject({
        billableMinutes: 0,
        quantity: 0,
        amountCents: 0,
      });
    }
  });

  it.each([-1, 1.5, Number.NaN])('refuses %d minutes', (minutes) => {
    expect(() => chargeFor(minutes, service('minute'), notCovered)).toThrow(RangeError);
  });

  it('refuses an amount that would not be a safe integer', () => {
    expect(() =>
      chargeFor(Number.MAX_SAFE_INTEGER, service('minute', 100_000_000), notCovered),
    ).toThrow(RangeError);
  });

  it('amount = quantity × unit price, always a safe integer (property)', () => {
    fc.assert(
      fc.property(
        anyMinutes,
        anyUnit,
        anyPrice,
        fc.boolean(),
        fc.integer({ min: -10_000, max: 1_000_000 }),
        (minutes, unit, price, covered, allowanceLeft) => {
          const charge = chargeFor(minutes, service(unit, price), { covered, allowanceLeft });
          expect(charge.amountCents).toBe(charge.quantity * price);
          expect(charge.unitPriceCents).toBe(price);
          for (const value of Object.values(charge)) {
            expect(Number.isSafeInteger(value)).toBe(true);
          }
          expect(charge.quantity).toBe(quantityFor(charge.billableMinutes, unit));
        },
      ),
    );
  });

  it('splits exactly: covered + billable = minutes, covered ≤ max(0, allowance) (property)', () => {
    fc.assert(
      fc.property(
        anyMinutes,
        anyUnit,
        fc.boolean(),
        fc.integer({ min: -10_000, max: 1_000_000 }),
        (minutes, unit, covered, allowanceLeft) => {
          const charge = chargeFor(minutes, service(unit), { covered, allowanceLeft });
          expect(charge.coveredMinutes + charge.billableMinutes).toBe(minutes);
          expect(charge.coveredMinutes).toBeGreaterThanOrEqual(0);
          expect(charge.billableMinutes).toBeGreaterThanOrEqual(0);
          if (!covered) expect(charge.coveredMinutes).toBe(0);
          else expect(charge.coveredMinutes).toBe(Math.min(minutes, Math.max(0, allowanceLeft)));
        },
      ),
    );
  });

  it('covers as much as the allowance allows and bills the rest per started unit (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        anyTimeUnit,
        anyPrice,
        (minutes, allowanceLeft, unit, price) => {
          const charge = chargeFor(minutes, service(unit, price), {
            covered: true,
            allowanceLeft,
          });
          const rest = Math.max(0, minutes - allowanceLeft);
          expect(charge.billableMinutes).toBe(rest);
          const perUnit = TIME_UNITS[unit];
          expect(charge.quantity * perUnit).toBeGreaterThanOrEqual(rest);
          if (rest > 0) expect((charge.quantity - 1) * perUnit).toBeLessThan(rest);
          else expect(charge.amountCents).toBe(0);
        },
      ),
    );
  });

  it('never charges a covered entry more than the same entry uncovered (property)', () => {
    fc.assert(
      fc.property(
        anyMinutes,
        anyUnit,
        anyPrice,
        fc.integer({ min: -100, max: 10_000 }),
        (minutes, unit, price, allowanceLeft) => {
          const covered = chargeFor(minutes, service(unit, price), {
            covered: true,
            allowanceLeft,
          });
          const standard = chargeFor(minutes, service(unit, price), notCovered);
          expect(covered.amountCents).toBeLessThanOrEqual(standard.amountCents);
        },
      ),
    );
  });
});

describe('isCovered', () => {
  it('covers a covered service on a day inside the contract', () => {
    expect(isCovered(contract(), 'REMOTE', '2026-05-04')).toBe(true);
    expect(isCovered(contract(), 'PHONE', '2026-05-04')).toBe(true);
  });

  it('does not cover a service the contract does not list', () => {
    expect(isCovered(contract(), 'ONSITE', '2026-05-04')).toBe(false);
    expect(isCovered(contract(), 'remote', '2026-05-04')).toBe(false);
    expect(isCovered(contract({ coveredServiceCodes: [] }), 'REMOTE', '2026-05-04')).toBe(false);
  });

  it('covers nothing without a contract', () => {
    expect(isCovered(undefined, 'REMOTE', '2026-05-04')).toBe(false);
  });

  it.each([
    ['2025-12-31', false],
    ['2026-01-01', true],
    ['2026-06-15', true],
    ['2026-12-31', true],
    ['2027-01-01', false],
  ])('with both bounds inclusive, %s → %s', (day, covered) => {
    expect(isCovered(contract(), 'REMOTE', day)).toBe(covered);
  });

  it.each([
    ['2026-02-28', false],
    ['2026-03-01', true],
    ['2099-12-31', true],
  ])('without an end date, %s → %s', (day, covered) => {
    expect(
      isCovered(contract({ validFrom: '2026-03-01', validTo: undefined }), 'REMOTE', day),
    ).toBe(covered);
    const openEnded: Contract = {
      id: 'SMV-2',
      validFrom: '2026-03-01',
      includedMinutesPerMonth: 60,
      coveredServiceCodes: ['REMOTE'],
    };
    expect(isCovered(openEnded, 'REMOTE', day)).toBe(covered);
  });

  it('covers a one-day contract on that day only', () => {
    const oneDay = contract({ validFrom: '2026-05-04', validTo: '2026-05-04' });
    expect(isCovered(oneDay, 'REMOTE', '2026-05-03')).toBe(false);
    expect(isCovered(oneDay, 'REMOTE', '2026-05-04')).toBe(true);
    expect(isCovered(oneDay, 'REMOTE', '2026-05-05')).toBe(false);
  });

  it('matches the bounds for any day (property)', () => {
    const day = fc
      .date({
        min: new Date('2020-01-01T00:00:00Z'),
        max: new Date('2030-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, day, day, fc.boolean(), (a, b, workDate, openEnded) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const c = contract({ validFrom: from, validTo: openEnded ? undefined : to });
        const inside = from <= workDate && (openEnded || workDate <= to);
        expect(isCovered(c, 'REMOTE', workDate)).toBe(inside);
        expect(isCovered(c, 'ONSITE', workDate)).toBe(false);
      }),
    );
  });
});

describe('billingMonthOf', () => {
  it.each([
    ['2026-01-01', '2026-01'],
    ['2026-01-31', '2026-01'],
    ['2026-02-28', '2026-02'],
    ['2028-02-29', '2028-02'],
    ['2026-03-29', '2026-03'],
    ['2026-03-31', '2026-03'],
    ['2026-04-01', '2026-04'],
    ['2026-10-25', '2026-10'],
    ['2026-10-31', '2026-10'],
    ['2026-11-01', '2026-11'],
    ['2026-12-31', '2026-12'],
    ['2027-01-01', '2027-01'],
  ])('%s → %s', (day, month) => {
    expect(billingMonthOf(day)).toBe(month);
  });

  it('is the year and month of any calendar day (property)', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('9999-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const day = date.toISOString().slice(0, 10);
          expect(billingMonthOf(day)).toBe(
            `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`,
          );
        },
      ),
    );
  });
});
