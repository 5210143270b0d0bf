import type { Group } from './ticket';

/**
 * When a waiting ticket may start being worked on, from the measured rate of claims: an
 * honest range, never a promise (SPEC §10). Agents work during the vendor's business hours,
 * so the rate is claims per business minute over the last days, and the range is laid onto
 * the business hours ahead.
 */

/** Opening hours per weekday (0 = Sunday), as whole Europe/Berlin hours `[from, to)`. */
export type WeeklyHours = Readonly<Record<number, readonly (readonly [number, number])[]>>;

/** Monday to Friday, 08:00–17:00 Europe/Berlin. */
export const OFFICE_HOURS: WeeklyHours = {
  0: [],
  1: [[8, 17]],
  2: [[8, 17]],
  3: [[8, 17]],
  4: [[8, 17]],
  5: [[8, 17]],
  6: [],
};

/** Claims counted over this many days before now. */
export const RATE_WINDOW_DAYS = 7;
/** Fewer claims in the window than this: too little history for an estimate. */
export const MIN_CLAIMS = 20;

const BERLIN = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Berlin',
  weekday: 'short',
  hour: '2-digit',
  hourCycle: 'h23',
});
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/**
 * Whether the UTC hour starting at `hourStart` is business time. Europe/Berlin is offset
 * from UTC by whole hours, so every UTC hour is one Berlin hour.
 */
export function isBusinessHour(hourStart: Date, hours: WeeklyHours = OFFICE_HOURS): boolean {
  const parts = BERLIN.formatToParts(hourStart);
  const weekday = WEEKDAYS[parts.find((p) => p.type === 'weekday')?.value ?? ''] ?? -1;
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  return (hours[weekday] ?? []).some(([from, to]) => hour >= from && hour < to);
}

function hourStartOf(instant: Date): number {
  return Math.floor(instant.getTime() / HOUR_MS) * HOUR_MS;
}

/** Business minutes between two instants (0 when `to` is not after `from`). */
export function businessMinutesBetween(
  from: Date,
  to: Date,
  hours: WeeklyHours = OFFICE_HOURS,
): number {
  let total = 0;
  for (let start = hourStartOf(from); start < to.getTime(); start += HOUR_MS) {
    if (!isBusinessHour(new Date(start), hours)) continue;
    const a = Math.max(start, from.getTime());
    const b = Math.min(start + HOUR_MS, to.getTime());
    if (b > a) total += (b - a) / MINUTE_MS;
  }
  return total;
}

/**
 * The instant `minutes` business minutes after `from`; undefined when the hours have no
 * business time within a year (nothing to lay the range onto).
 */
export function addBusinessMinutes(
  from: Date,
  minutes: number,
  hours: WeeklyHours = OFFICE_HOURS,
): Date | undefined {
  let left = minutes;
  const limit = from.getTime() + 366 * 24 * HOUR_MS;
  for (let start = hourStartOf(from); start < limit; start += HOUR_MS) {
    if (!isBusinessHour(new Date(start), hours)) continue;
    const a = Math.max(start, from.getTime());
    const available = (start + HOUR_MS - a) / MINUTE_MS;
    if (left <= available) return new Date(a + left * MINUTE_MS);
    left -= available;
  }
  return undefined;
}

/** Claims in business hours over the rate window, by group. */
export interface ClaimHistory {
  claims: Record<Group, number>;
  /** Start of the window the claims were counted in. */
  since: Date;
}

/** An honest range for the start of work, or null while history is too thin. */
export interface EstimatedStart {
  earliest: string;
  latest: string;
}

/**
 * The range in which the `position`-th next claim is likely to happen: the claims needed
 * (position, since the ticket itself is the position-th) at the measured rate, widened by
 * two standard deviations of a Poisson count for both the claims ahead and the measured rate
 * itself, then laid onto the business hours from `now`. Tickets that arrive later with a
 * contract or a higher severity go before a waiting ticket and are not in the range.
 */
export function estimateStart(
  position: number,
  history: ClaimHistory,
  now: Date,
  hours: WeeklyHours = OFFICE_HOURS,
): EstimatedStart | null {
  const observed = history.claims.contract + history.claims.standard;
  const minutes = businessMinutesBetween(history.since, now, hours);
  if (observed < MIN_CLAIMS || minutes <= 0 || position < 1) return null;
  const rate = observed / minutes;
  const rateError = 2 / Math.sqrt(observed);
  const spread = 2 * Math.sqrt(position);
  const soonest = Math.max(0, position - spread) / (rate * (1 + rateError));
  const slowest = (position + spread) / (rate * Math.max(0.25, 1 - rateError));
  const earliest = addBusinessMinutes(now, Math.floor(soonest), hours);
  const latest = addBusinessMinutes(now, Math.ceil(slowest), hours);
  if (!earliest || !latest) return null;
  return { earliest: roundToMinute(earliest), latest: roundToMinute(latest, true) };
}

function roundToMinute(instant: Date, up = false): string {
  const t = instant.getTime() / MINUTE_MS;
  return new Date((up ? Math.ceil(t) : Math.floor(t)) * MINUTE_MS).toISOString();
}
