import type { Severity } from '../ticket';
import type { HolidayRegion } from './holidays';

/** Weekdays as plans name them, Monday first. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** An open interval of a day, local wall-clock `HH:MM`; `24:00` is the end of the day. */
export type OpeningInterval = [start: string, end: string];

/** Business minutes a contract promises per severity. */
export interface ServiceTargets {
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

/** A service-level plan (SPEC §9): a business calendar and targets per severity. */
export interface ServiceLevelPlan {
  planId: string;
  name: string;
  /** IANA time zone the business hours are in, e.g. `Europe/Berlin`. */
  timeZone: string;
  region: HolidayRegion;
  businessHours: Record<Weekday, OpeningInterval[]>;
  /** Extra days closed (`YYYY-MM-DD`), e.g. 24 December or a local holiday. */
  closedDates?: string[];
  targets: Record<Severity, ServiceTargets>;
  updatedAt?: string;
}

const WORKDAYS = (hours: OpeningInterval[]): ServiceLevelPlan['businessHours'] => ({
  mon: hours,
  tue: hours,
  wed: hours,
  thu: hours,
  fri: hours,
  sat: [],
  sun: [],
});

/** The plan a contract without `serviceLevel` gets. */
export const DEFAULT_PLAN_ID = 'office-hours';

/**
 * Plans that ship with the project. An admin may replace them (`PUT /service-levels/…`);
 * until then these apply.
 */
export const DEFAULT_PLANS: readonly ServiceLevelPlan[] = [
  {
    planId: DEFAULT_PLAN_ID,
    name: 'Office hours (Mon–Fri 08:00–17:00)',
    timeZone: 'Europe/Berlin',
    region: 'DE',
    businessHours: WORKDAYS([['08:00', '17:00']]),
    targets: {
      critical: { firstResponseMinutes: 60, resolutionMinutes: 8 * 60 },
      high: { firstResponseMinutes: 2 * 60, resolutionMinutes: 2 * 9 * 60 },
      normal: { firstResponseMinutes: 4 * 60, resolutionMinutes: 5 * 9 * 60 },
      low: { firstResponseMinutes: 9 * 60, resolutionMinutes: 10 * 9 * 60 },
    },
  },
  {
    planId: 'extended',
    name: 'Extended (Mon–Fri 07:00–20:00, Sat 09:00–14:00)',
    timeZone: 'Europe/Berlin',
    region: 'DE',
    businessHours: {
      ...WORKDAYS([['07:00', '20:00']]),
      sat: [['09:00', '14:00']],
    },
    targets: {
      critical: { firstResponseMinutes: 30, resolutionMinutes: 4 * 60 },
      high: { firstResponseMinutes: 60, resolutionMinutes: 13 * 60 },
      normal: { firstResponseMinutes: 2 * 60, resolutionMinutes: 3 * 13 * 60 },
      low: { firstResponseMinutes: 4 * 60, resolutionMinutes: 5 * 13 * 60 },
    },
  },
];

/** Minutes since midnight of `HH:MM` (`24:00` is 1440). */
export function minutesOfDay(time: string): number {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return h * 60 + m;
}
