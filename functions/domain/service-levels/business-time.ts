import { isPublicHoliday } from './holidays';
import { minutesOfDay, WEEKDAYS, type ServiceLevelPlan } from './plan';

/**
 * Business-time arithmetic on a plan's calendar (SPEC §9): its hours per weekday in its
 * time zone, minus the public holidays of its region and its closed dates. Instants are
 * epoch milliseconds; business time is elapsed time inside open intervals, so a day on
 * which the clocks change has 23 or 25 hours, and nothing is rounded to minutes.
 */
export type CalendarPlan = Pick<
  ServiceLevelPlan,
  'timeZone' | 'region' | 'businessHours' | 'closedDates'
>;

/** An open interval `[start, end)` in epoch milliseconds. */
export type Interval = readonly [start: number, end: number];

const DAY_MS = 86_400_000;
/** A plan with no opening in three years is a broken plan, not a long weekend. */
const MAX_CLOSED_DAYS = 3 * 366;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Wall-clock fields of an instant in a time zone. */
function wallClock(timeZone: string, instant: number) {
  const fields: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return fields as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
}

/** Offset of the time zone from UTC at an instant (whole seconds), in milliseconds. */
function offsetAt(timeZone: string, instant: number): number {
  const w = wallClock(timeZone, instant);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (instant - (((instant % 1000) + 1000) % 1000));
}

/** Whether the IANA time zone is known to this runtime. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The instant of a local wall-clock time. A time that occurs twice (the night the clocks
 * go back) is its first occurrence; one that does not occur (they go forward) is read with
 * the offset before the change, so it lands just after the gap.
 */
export function localTimeToInstant(timeZone: string, day: string, minuteOfDay: number): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const naive = Date.UTC(y, m - 1, d) + minuteOfDay * 60_000;
  const before = naive - offsetAt(timeZone, naive - DAY_MS);
  const after = naive - offsetAt(timeZone, naive + DAY_MS);
  const fits = (t: number) => t + offsetAt(timeZone, t) === naive;
  if (fits(before) && fits(after)) return Math.min(before, after);
  if (fits(after)) return after;
  return before;
}

/** The local calendar day (`YYYY-MM-DD`) of an instant in a time zone. */
export function localDay(timeZone: string, instant: number): string {
  const w = wallClock(timeZone, instant);
  return isoDay(Date.UTC(w.year, w.month - 1, w.day));
}

function isoDay(utcMidnight: number): string {
  return new Date(utcMidnight).toISOString().slice(0, 10);
}

function nextDay(day: string): string {
  return isoDay(Date.parse(`${day}T00:00:00Z`) + DAY_MS);
}

/** A plan's business calendar: open intervals, adding and measuring business time. */
export class BusinessCalendar {
  private readonly closed: ReadonlySet<string>;
  private readonly days = new Map<string, Interval[]>();

  constructor(private readonly plan: CalendarPlan) {
    this.closed = new Set(plan.closedDates ?? []);
  }

  /** The plan's IANA time zone. */
  get timeZone(): string {
    return this.plan.timeZone;
  }

  /** Whether the whole day is closed: a public holiday of the region or a closed date. */
  isClosedDay(day: string): boolean {
    return this.closed.has(day) || isPublicHoliday(this.plan.region, day);
  }

  /** The open intervals of one local day, as instants, in order. */
  intervalsOn(day: string): Interval[] {
    let intervals = this.days.get(day);
    if (intervals) return intervals;
    intervals = [];
    if (!this.isClosedDay(day)) {
      const weekday = WEEKDAYS[(new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7] ?? 'mon';
      for (const [start, end] of this.plan.businessHours[weekday]) {
        const from = localTimeToInstant(this.plan.timeZone, day, minutesOfDay(start));
        const to = localTimeToInstant(this.plan.timeZone, day, minutesOfDay(end));
        if (to > from) intervals.push([from, to]);
      }
    }
    // Plans are few and days repeat (every ticket of a week meets the same days).
    if (this.days.size > 4000) this.days.clear();
    this.days.set(day, intervals);
    return intervals;
  }

  /** Open intervals that end after `instant`, in order, the first cut to start there. */
  *intervalsFrom(instant: number): Generator<Interval> {
    let day = localDay(this.plan.timeZone, instant);
    let closedDays = 0;
    for (;;) {
      const intervals = this.intervalsOn(day).filter(([, end]) => end > instant);
      if (intervals.length === 0) {
        if (++closedDays > MAX_CLOSED_DAYS) throw new Error('the plan is never open');
      } else closedDays = 0;
      for (const [start, end] of intervals) yield [Math.max(start, instant), end];
      day = nextDay(day);
    }
  }

  /** Whether the calendar is open at the instant. */
  isOpen(instant: number): boolean {
    return this.intervalsOn(localDay(this.plan.timeZone, instant)).some(
      ([start, end]) => start <= instant && instant < end,
    );
  }

  /** The instant itself when open, else the next opening. */
  nextOpening(instant: number): number {
    for (const [start] of this.intervalsFrom(instant)) return start;
    throw new Error('unreachable');
  }

  /**
   * The instant at which `businessMs` of business time have passed since `instant`. A
   * span that runs out exactly at the end of an open interval ends there, not at the next
   * opening.
   */
  add(instant: number, businessMs: number): number {
    let left = businessMs;
    for (const [start, end] of this.intervalsFrom(instant)) {
      if (start + left <= end) return start + left;
      left -= end - start;
    }
    throw new Error('unreachable');
  }

  /** Business time between two instants (0 when `to` is not after `from`), in ms. */
  between(from: number, to: number): number {
    if (to <= from) return 0;
    let total = 0;
    for (const [start, end] of this.intervalsFrom(from)) {
      if (start >= to) break;
      total += Math.min(end, to) - start;
    }
    return total;
  }
}
