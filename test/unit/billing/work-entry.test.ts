import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chargeFor } from '../../../functions/domain/billing';
import { coverableMinutes, isBillable } from '../../../functions/domain/work-entry';

const minutes = fc.integer({ min: 0, max: 100_000 });

describe('coverableMinutes', () => {
  it.each([
    // wanted, used, included → covered
    [30, 0, 600, 30],
    [600, 0, 600, 600],
    [601, 0, 600, 600],
    [30, 580, 600, 20],
    [30, 570, 600, 30],
    [30, 571, 600, 29],
    [30, 600, 600, 0],
    [30, 700, 600, 0],
    [0, 0, 600, 0],
    [30, 0, 0, 0],
    [1, 599, 600, 1],
  ])('wants %d with %d of %d used → %d', (wanted, used, included, covered) => {
    expect(coverableMinutes(wanted, used, included)).toBe(covered);
  });

  it('is never negative, never more than wanted, never more than is left (property)', () => {
    fc.assert(
      fc.property(minutes, minutes, minutes, (wanted, used, included) => {
        const covered = coverableMinutes(wanted, used, included);
        expect(covered).toBeGreaterThanOrEqual(0);
        expect(covered).toBeLessThanOrEqual(wanted);
        expect(covered).toBeLessThanOrEqual(Math.max(0, included - used));
        expect(Number.isSafeInteger(covered)).toBe(true);
      }),
    );
  });

  it('never pushes the minutes used beyond the included ones (property)', () => {
    fc.assert(
      fc.property(minutes, minutes, minutes, (wanted, used, included) => {
        const covered = coverableMinutes(wanted, used, included);
        if (used <= included) expect(used + covered).toBeLessThanOrEqual(included);
        else expect(covered).toBe(0);
      }),
    );
  });

  it('takes everything it can: all wanted, or all that is left (property)', () => {
    fc.assert(
      fc.property(minutes, minutes, minutes, (wanted, used, included) => {
        const covered = coverableMinutes(wanted, used, included);
        expect(covered === wanted || used + covered >= included).toBe(true);
      }),
    );
  });

  it('leaves nothing for an overdrawn allowance or a negative wish', () => {
    expect(coverableMinutes(30, 601, 600)).toBe(0);
    expect(coverableMinutes(-5, 0, 600)).toBe(0);
  });
});

describe('entries racing for the last included minutes', () => {
  /**
   * Entries of one customer and month take from one allowance in whatever order they
   * happen to arrive, each reading the minutes used so far and adding what it took.
   */
  function race(included: number, wanted: number[], order: number[]) {
    let used = 0;
    const covered = new Array<number>(wanted.length).fill(0);
    for (const index of order) {
      const want = wanted[index] ?? 0;
      const take = coverableMinutes(want, used, included);
      covered[index] = take;
      used += take;
    }
    return { covered, used };
  }

  const scenario = fc
    .record({
      included: fc.integer({ min: 0, max: 3_000 }),
      wanted: fc.array(fc.integer({ min: 1, max: 480 }), { minLength: 1, maxLength: 40 }),
    })
    .chain(({ included, wanted }) =>
      fc.record({
        included: fc.constant(included),
        wanted: fc.constant(wanted),
        order: fc.shuffledSubarray(
          wanted.map((_, i) => i),
          { minLength: wanted.length, maxLength: wanted.length },
        ),
      }),
    );

  it('covers min(included, sum wanted) in total, no entry more than it asked (property)', () => {
    fc.assert(
      fc.property(scenario, ({ included, wanted, order }) => {
        const { covered, used } = race(included, wanted, order);
        const sumWanted = wanted.reduce((a, b) => a + b, 0);
        const sumCovered = covered.reduce((a, b) => a + b, 0);
        expect(sumCovered).toBe(Math.min(included, sumWanted));
        expect(used).toBe(sumCovered);
        covered.forEach((c, i) => {
          expect(c).toBeGreaterThanOrEqual(0);
          expect(c).toBeLessThanOrEqual(wanted[i] ?? 0);
        });
        // At most one entry splits: the one that takes the last minutes.
        const split = covered.filter((c, i) => c > 0 && c < (wanted[i] ?? 0));
        expect(split.length).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('bills exactly the minutes the allowance could not cover (property)', () => {
    const price = {
      code: 'REMOTE',
      name: 'Fernwartung',
      unit: 'minute',
      unitPriceCents: 100,
    } as const;
    fc.assert(
      fc.property(scenario, ({ included, wanted, order }) => {
        const { covered } = race(included, wanted, order);
        const charges = wanted.map((want, i) =>
          chargeFor(want, price, { covered: true, allowanceLeft: covered[i] ?? 0 }),
        );
        const billed = charges.reduce((sum, c) => sum + c.billableMinutes, 0);
        const sumWanted = wanted.reduce((a, b) => a + b, 0);
        expect(billed).toBe(sumWanted - Math.min(included, sumWanted));
        expect(charges.reduce((sum, c) => sum + c.amountCents, 0)).toBe(billed * 100);
      }),
    );
  });

  it('gives the last 10 minutes to the first of three entries that asks', () => {
    expect(race(10, [30, 30, 30], [1, 0, 2]).covered).toEqual([0, 10, 0]);
    expect(race(10, [5, 30, 30], [0, 2, 1]).covered).toEqual([5, 0, 5]);
  });
});

describe('isBillable', () => {
  it('is billable exactly when there is an amount to pay', () => {
    expect(isBillable({ amountCents: 1 })).toBe(true);
    expect(isBillable({ amountCents: 0 })).toBe(false);
  });
});
