import type { Locale } from './ticket';

/** Money is integer cents, EUR, end to end; these format it without floating point. */
export const CURRENCY = 'EUR';

/** `123456` → `1234.56`: a decimal string for machines (CSV, JSON). */
export function centsToDecimal(cents: number): string {
  assertCents(cents);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** `123456` → `1.234,56 €` (de) or `€1,234.56` (en): for people. */
export function formatEuro(cents: number, locale: Locale): string {
  assertCents(cents);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const euros = String(Math.trunc(abs / 100)).replace(
    /\B(?=(\d{3})+(?!\d))/g,
    locale === 'de' ? '.' : ',',
  );
  const rest = String(abs % 100).padStart(2, '0');
  return locale === 'de' ? `${sign}${euros},${rest} €` : `${sign}€${euros}.${rest}`;
}

function assertCents(cents: number): void {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not an amount in cents: ${cents}`);
}
