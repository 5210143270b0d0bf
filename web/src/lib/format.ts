import { quantityFor } from '../../../functions/domain/billing';
import { formatEuro as formatEuroAmount } from '../../../functions/domain/money';
import type { PriceUnit, ServiceCode } from './api';

/** Formatting for people, and the price estimate: money is integer cents throughout. */

const BERLIN = 'Europe/Berlin';

/** `2026-11-28T17:05:00Z` → `28.11.2026, 18:05` (de) or `28 Nov 2026, 18:05` (en), Berlin time. */
export function formatDateTime(iso: string, locale: 'de' | 'en' = 'en'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: BERLIN,
  }).format(date);
}

/** How long ago: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`. */
export function formatAge(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.floor((now - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Today's calendar day in Europe/Berlin, `YYYY-MM-DD` (the day work is billed on). */
export function berlinToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: BERLIN }).format(now);
}

/** The current Europe/Berlin month, `YYYY-MM`, moved by `offset` months. */
export function berlinMonth(offset = 0, now = new Date()): string {
  const [year, month] = berlinToday(now).split('-').map(Number) as [number, number];
  const index = year * 12 + (month - 1) + offset;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * `123456` → `1.234,56 €` (de) or `€1,234.56` (en): the domain's formatter, without
 * floating point; a value that is no amount shows as a dash instead of failing the page.
 */
export function formatEuro(cents: number, locale: 'de' | 'en' = 'de'): string {
  return Number.isSafeInteger(cents) ? formatEuroAmount(cents, locale) : '–';
}

/**
 * An amount typed by a person (`490`, `490,5`, `1.234,56`, `1,234.56`) as integer cents,
 * without floating point; undefined for anything else.
 */
export function parseEuroCents(text: string): number | undefined {
  const match = /^\s*(\d{1,3}(?:[.,\s]\d{3})*|\d+)(?:[.,](\d{1,2}))?\s*(?:€|EUR)?\s*$/i.exec(text);
  if (!match) return undefined;
  const euros = Number((match[1] ?? '').replace(/[.,\s]/g, ''));
  const cents = Number((match[2] ?? '0').padEnd(2, '0'));
  const total = euros * 100 + cents;
  return Number.isSafeInteger(total) ? total : undefined;
}

/** Integer cents as an amount to edit: `49000` → `490,00`. */
export function centsForInput(cents: number): string {
  return `${Math.trunc(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
}

export const UNIT_NAMES: Record<PriceUnit, string> = {
  minute: 'per minute',
  quarter_hour: 'per started quarter hour',
  hour: 'per started hour',
  flat: 'flat, per entry',
};

/**
 * What logging `minutes` of this service costs at list price: every started unit counts,
 * `flat` is one per entry (SPEC §4). A contract may cover part of it; the API's answer
 * has the real split.
 */
export function estimate(
  minutes: number,
  service: ServiceCode,
): { quantity: number; amountCents: number } {
  if (!Number.isSafeInteger(minutes) || minutes <= 0) return { quantity: 0, amountCents: 0 };
  // The same rule the API bills by (before any contract coverage).
  const quantity = quantityFor(minutes, service.unit);
  return { quantity, amountCents: quantity * service.unitPriceCents };
}
