import { getHolidays, type Region } from 'feiertagejs';

/**
 * Public holidays of Germany and its states, as plain `YYYY-MM-DD` days.
 *
 * The dates come from feiertagejs (small, no dependencies, maintained since 2015; the
 * worldwide `date-holidays` carries every country's rules and a moment-timezone/astronomy
 * stack, far too much for a Lambda bundle that needs Germany). Its rules are pinned by
 * tests against the dates of the state holiday laws for 2026–2028. One correction: it
 * lists Mariä Himmelfahrt for Bavaria, where the law makes it a holiday only in
 * municipalities with a Catholic majority; SPEC §9 counts a state holiday only where it is
 * statewide, so a Bavarian plan adds 15 August as a closed date where it applies.
 */

/** ISO 3166-2 codes of the 16 German states. */
export const GERMAN_STATES = [
  'DE-BW',
  'DE-BY',
  'DE-BE',
  'DE-BB',
  'DE-HB',
  'DE-HH',
  'DE-HE',
  'DE-MV',
  'DE-NI',
  'DE-NW',
  'DE-RP',
  'DE-SL',
  'DE-SN',
  'DE-ST',
  'DE-SH',
  'DE-TH',
] as const;
export type GermanState = (typeof GERMAN_STATES)[number];

/** `DE`: nationwide holidays only; `DE-XX`: a state's too; `none`: no public holidays. */
export const HOLIDAY_REGIONS = ['DE', ...GERMAN_STATES, 'none'] as const;
export type HolidayRegion = (typeof HOLIDAY_REGIONS)[number];

/** A public holiday: its day and its name. */
export interface PublicHoliday {
  day: string;
  /** The German name, as the law says it (e.g. `Buß- und Bettag`). */
  name: string;
}

const NAMES: Record<string, string> = {
  NEUJAHRSTAG: 'Neujahr',
  HEILIGEDREIKOENIGE: 'Heilige Drei Könige',
  KARFREITAG: 'Karfreitag',
  OSTERSONNTAG: 'Ostersonntag',
  OSTERMONTAG: 'Ostermontag',
  TAG_DER_ARBEIT: 'Tag der Arbeit',
  CHRISTIHIMMELFAHRT: 'Christi Himmelfahrt',
  MARIAHIMMELFAHRT: 'Mariä Himmelfahrt',
  PFINGSTSONNTAG: 'Pfingstsonntag',
  PFINGSTMONTAG: 'Pfingstmontag',
  FRONLEICHNAM: 'Fronleichnam',
  DEUTSCHEEINHEIT: 'Tag der Deutschen Einheit',
  REFORMATIONSTAG: 'Reformationstag',
  ALLERHEILIGEN: 'Allerheiligen',
  BUBETAG: 'Buß- und Bettag',
  ERSTERWEIHNACHTSFEIERTAG: '1. Weihnachtstag',
  ZWEITERWEIHNACHTSFEIERTAG: '2. Weihnachtstag',
  WELTKINDERTAG: 'Weltkindertag',
  WELTFRAUENTAG: 'Frauentag',
};

/** Holidays the library lists for a state although they are not statewide there. */
const NOT_STATEWIDE: Partial<Record<GermanState, string[]>> = {
  'DE-BY': ['MARIAHIMMELFAHRT'],
};

const cache = new Map<string, PublicHoliday[]>();

/** The public holidays of a region in a year, in date order. */
export function publicHolidays(region: HolidayRegion, year: number): PublicHoliday[] {
  if (region === 'none') return [];
  const key = `${region}:${year}`;
  let holidays = cache.get(key);
  if (!holidays) {
    const excluded = region === 'DE' ? [] : (NOT_STATEWIDE[region] ?? []);
    holidays = getHolidays(year, region === 'DE' ? 'BUND' : (region.slice(3) as Region))
      .filter((holiday) => !excluded.includes(holiday.name))
      .map((holiday) => ({ day: holiday.dateString, name: NAMES[holiday.name] ?? holiday.name }));
    cache.set(key, holidays);
  }
  return holidays;
}

const daySets = new Map<string, Set<string>>();

/** Whether the day (`YYYY-MM-DD`) is a public holiday in the region. */
export function isPublicHoliday(region: HolidayRegion, day: string): boolean {
  if (region === 'none') return false;
  const year = Number(day.slice(0, 4));
  const key = `${region}:${year}`;
  let days = daySets.get(key);
  if (!days) {
    days = new Set(publicHolidays(region, year).map((h) => h.day));
    daySets.set(key, days);
  }
  return days.has(day);
}
