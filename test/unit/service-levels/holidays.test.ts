import { describe, expect, it } from 'vitest';
import {
  GERMAN_STATES,
  isPublicHoliday,
  publicHolidays,
  type HolidayRegion,
} from '../../../functions/domain/service-levels/holidays';

/**
 * The dates below are written out from the holiday laws (Easter Sunday 2026-04-05,
 * 2027-03-28, 2028-04-16; Buß- und Bettag the Wednesday before 23 November), not computed
 * by the library under test, so the library's rules are pinned for 2026–2028.
 */
const NATIONWIDE: Record<number, string[]> = {
  2026: ['01-01', '04-03', '04-06', '05-01', '05-14', '05-25', '10-03', '12-25', '12-26'],
  2027: ['01-01', '03-26', '03-29', '05-01', '05-06', '05-17', '10-03', '12-25', '12-26'],
  2028: ['01-01', '04-14', '04-17', '05-01', '05-25', '06-05', '10-03', '12-25', '12-26'],
};

const MOVEABLE: Record<
  number,
  { fronleichnam: string; bussUndBettag: string; ostersonntag: string; pfingstsonntag: string }
> = {
  2026: {
    fronleichnam: '06-04',
    bussUndBettag: '11-18',
    ostersonntag: '04-05',
    pfingstsonntag: '05-24',
  },
  2027: {
    fronleichnam: '05-27',
    bussUndBettag: '11-17',
    ostersonntag: '03-28',
    pfingstsonntag: '05-16',
  },
  2028: {
    fronleichnam: '06-15',
    bussUndBettag: '11-22',
    ostersonntag: '04-16',
    pfingstsonntag: '06-04',
  },
};

type StateHoliday =
  | 'heiligeDreiKoenige'
  | 'frauentag'
  | 'ostersonntag'
  | 'pfingstsonntag'
  | 'fronleichnam'
  | 'mariaeHimmelfahrt'
  | 'weltkindertag'
  | 'reformationstag'
  | 'allerheiligen'
  | 'bussUndBettag';

/** Statewide holidays beyond the nationwide ones, per state law. */
const STATE_HOLIDAYS: Record<(typeof GERMAN_STATES)[number], StateHoliday[]> = {
  'DE-BW': ['heiligeDreiKoenige', 'fronleichnam', 'allerheiligen'],
  // Mariä Himmelfahrt only where the municipality is mostly Catholic: not statewide.
  'DE-BY': ['heiligeDreiKoenige', 'fronleichnam', 'allerheiligen'],
  'DE-BE': ['frauentag'],
  'DE-BB': ['ostersonntag', 'pfingstsonntag', 'reformationstag'],
  'DE-HB': ['reformationstag'],
  'DE-HH': ['reformationstag'],
  'DE-HE': ['fronleichnam'],
  'DE-MV': ['frauentag', 'reformationstag'],
  'DE-NI': ['reformationstag'],
  'DE-NW': ['fronleichnam', 'allerheiligen'],
  'DE-RP': ['fronleichnam', 'allerheiligen'],
  'DE-SL': ['fronleichnam', 'mariaeHimmelfahrt', 'allerheiligen'],
  // Fronleichnam only in some Sorbian Catholic municipalities: not statewide.
  'DE-SN': ['reformationstag', 'bussUndBettag'],
  'DE-ST': ['heiligeDreiKoenige', 'reformationstag'],
  'DE-SH': ['reformationstag'],
  'DE-TH': ['weltkindertag', 'reformationstag'],
};

function dateOf(holiday: StateHoliday, year: number): string {
  const moveable = MOVEABLE[year] as (typeof MOVEABLE)[number];
  const fixed: Record<string, string> = {
    heiligeDreiKoenige: '01-06',
    frauentag: '03-08',
    mariaeHimmelfahrt: '08-15',
    weltkindertag: '09-20',
    reformationstag: '10-31',
    allerheiligen: '11-01',
  };
  const monthDay = fixed[holiday] ?? moveable[holiday as keyof typeof moveable];
  return `${year}-${monthDay}`;
}

const days = (region: HolidayRegion, year: number) =>
  publicHolidays(region, year).map((h) => h.day);

describe('public holidays', () => {
  for (const year of [2026, 2027, 2028]) {
    const nationwide = (NATIONWIDE[year] as string[]).map((md) => `${year}-${md}`);

    it(`DE ${year}: exactly the nine nationwide holidays`, () => {
      expect(days('DE', year)).toEqual(nationwide);
    });

    for (const state of GERMAN_STATES) {
      it(`${state} ${year}: nationwide plus exactly the state's statewide holidays`, () => {
        const expected = [...nationwide, ...STATE_HOLIDAYS[state].map((h) => dateOf(h, year))];
        expect(days(state, year)).toEqual([...expected].sort());
      });
    }
  }

  it('names the holidays in German', () => {
    const sachsen = publicHolidays('DE-SN', 2026);
    expect(sachsen.find((h) => h.day === '2026-11-18')?.name).toBe('Buß- und Bettag');
    expect(publicHolidays('DE-BE', 2027).find((h) => h.day === '2027-03-08')?.name).toBe(
      'Frauentag',
    );
  });

  it('none has no holidays; isPublicHoliday agrees with the list', () => {
    expect(publicHolidays('none', 2026)).toEqual([]);
    expect(isPublicHoliday('none', '2026-12-25')).toBe(false);
    expect(isPublicHoliday('DE-BY', '2026-01-06')).toBe(true);
    expect(isPublicHoliday('DE-NI', '2026-01-06')).toBe(false);
    expect(isPublicHoliday('DE-BY', '2026-08-15')).toBe(false);
    expect(isPublicHoliday('DE-SL', '2026-08-15')).toBe(true);
  });
});
