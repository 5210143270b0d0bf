import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURRENCY, centsToDecimal, formatEuro } from '../../../functions/domain/money';
import type { Locale } from '../../../functions/domain/ticket';

/** Any amount a Number can hold exactly. */
const anyCents = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

/** `-1234.56` → -123456n, parsed with BigInt only (never a float). */
function decimalToCents(decimal: string): bigint {
  const match = /^(-?)(0|[1-9]\d*)\.(\d{2})$/.exec(decimal);
  if (!match) throw new Error(`not a decimal amount: ${decimal}`);
  const [, sign = '', euros = '', rest = ''] = match;
  const abs = BigInt(euros) * 100n + BigInt(rest);
  return sign === '-' ? -abs : abs;
}

/** The expected human format, computed with BigInt and without the implementation's regex. */
function referenceEuro(cents: number, locale: Locale): string {
  const value = BigInt(cents);
  const abs = value < 0n ? -value : value;
  const digits = (abs / 100n).toString();
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 3) {
    groups.unshift(digits.slice(Math.max(0, end - 3), end));
  }
  const rest = (abs % 100n).toString().padStart(2, '0');
  const sign = value < 0n ? '-' : '';
  return locale === 'de'
    ? `${sign}${groups.join('.')},${rest} €`
    : `${sign}€${groups.join(',')}.${rest}`;
}

describe('CURRENCY', () => {
  it('is EUR', () => {
    expect(CURRENCY).toBe('EUR');
  });
});

describe('centsToDecimal', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [50, '0.50'],
    [99, '0.99'],
    [100, '1.00'],
    [123456, '1234.56'],
    [100000000, '1000000.00'],
    [-5, '-0.05'],
    [-123456, '-1234.56'],
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
    [Number.MIN_SAFE_INTEGER, '-90071992547409.91'],
  ])('%d cents → %s', (cents, decimal) => {
    expect(centsToDecimal(cents)).toBe(decimal);
  });

  it('has no negative zero', () => {
    expect(centsToDecimal(-0)).toBe('0.00');
  });

  it.each([0.5, 1.005, -12.3, Number.NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 53)])(
    'rejects %s with a RangeError',
    (cents) => {
      expect(() => centsToDecimal(cents)).toThrow(RangeError);
    },
  );

  it('round-trips every safe integer through BigInt arithmetic', () => {
    fc.assert(
      fc.property(anyCents, (cents) => {
        expect(decimalToCents(centsToDecimal(cents))).toBe(BigInt(cents));
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips amounts near the ends of the safe range', () => {
    const nearEdge = fc
      .tuple(fc.integer({ min: 0, max: 10_000 }), fc.boolean())
      .map(([offset, negative]) => (negative ? -1 : 1) * (Number.MAX_SAFE_INTEGER - offset));
    fc.assert(
      fc.property(nearEdge, (cents) => {
        expect(decimalToCents(centsToDecimal(cents))).toBe(BigInt(cents));
      }),
    );
  });
});

describe('formatEuro', () => {
  it.each<[number, Locale, string]>([
    [123456, 'de', '1.234,56 €'],
    [123456, 'en', '€1,234.56'],
    [0, 'de', '0,00 €'],
    [0, 'en', '€0.00'],
    [5, 'de', '0,05 €'],
    [5, 'en', '€0.05'],
    [99999, 'de', '999,99 €'],
    [99999, 'en', '€999.99'],
    [100000, 'de', '1.000,00 €'],
    [100000, 'en', '€1,000.00'],
    [-123456, 'de', '-1.234,56 €'],
    [-123456, 'en', '-€1,234.56'],
    [-5, 'de', '-0,05 €'],
    [-5, 'en', '-€0.05'],
    [123456789012, 'de', '1.234.567.890,12 €'],
    [123456789012, 'en', '€1,234,567,890.12'],
    [Number.MAX_SAFE_INTEGER, 'de', '90.071.992.547.409,91 €'],
    [Number.MAX_SAFE_INTEGER, 'en', '€90,071,992,547,409.91'],
  ])('%d cents in %s → %s', (cents, locale, text) => {
    expect(formatEuro(cents, locale)).toBe(text);
  });

  it('has no negative zero', () => {
    expect(formatEuro(-0, 'de')).toBe('0,00 €');
    expect(formatEuro(-0, 'en')).toBe('€0.00');
  });

  it.each([0.5, 19.99, Number.NaN, Infinity, 2 ** 53])('rejects %s with a RangeError', (cents) => {
    expect(() => formatEuro(cents, 'de')).toThrow(RangeError);
    expect(() => formatEuro(cents, 'en')).toThrow(RangeError);
  });

  it('matches a BigInt reference for every safe integer and both locales', () => {
    fc.assert(
      fc.property(anyCents, fc.constantFrom<Locale>('de', 'en'), (cents, locale) => {
        expect(formatEuro(cents, locale)).toBe(referenceEuro(cents, locale));
      }),
      { numRuns: 2000 },
    );
  });
});
