/** Dates as the vendor's office sees them: calendar days in Europe/Berlin. */
const BERLIN_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The Europe/Berlin calendar day (`YYYY-MM-DD`) of an instant. */
export function berlinDay(instant: Date | string): string {
  return BERLIN_DAY.format(typeof instant === 'string' ? new Date(instant) : instant);
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day written `YYYY-MM-DD` (no 2026-02-30). */
export function isCalendarDay(value: string): boolean {
  const match = ISO_DAY.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** The Europe/Berlin month (`YYYY-MM`) of an instant. */
export function berlinMonth(instant: Date | string): string {
  return berlinDay(instant).slice(0, 7);
}
