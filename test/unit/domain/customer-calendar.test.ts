import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { berlinDay, isCalendarDay } from '../../../functions/domain/calendar';
import {
  candidateDomains,
  contractBoundaries,
  groupAt,
  isContractActiveOn,
  type Contract,
  type Customer,
} from '../../../functions/domain/customer';

const contract = (validFrom: string, validTo?: string): Contract => ({
  id: 'SMV-1',
  validFrom,
  ...(validTo === undefined ? {} : { validTo }),
  includedMinutesPerMonth: 120,
  coveredServiceCodes: ['SUPPORT'],
});

const customerWith = (c?: Contract): Customer => ({
  customerId: 'acme',
  name: 'ACME GmbH',
  domains: ['acme.de'],
  contacts: [],
  ...(c ? { contract: c } : {}),
});

/**
 * Europe/Berlin by the EU rule, independent of Intl: UTC+2 from 01:00 UTC on the last
 * Sunday of March to 01:00 UTC on the last Sunday of October, else UTC+1.
 */
function lastSundayAt0100Utc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

function berlinDayByRule(ms: number): string {
  const year = new Date(ms).getUTCFullYear();
  const summer = ms >= lastSundayAt0100Utc(year, 2) && ms < lastSundayAt0100Utc(year, 9);
  return new Date(ms + (summer ? 2 : 1) * 3_600_000).toISOString().slice(0, 10);
}

describe('berlinDay', () => {
  it('agrees with the EU summer-time rule for any instant of 2000–2099', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31, 23, 59, 59, 999) }),
        (ms) => {
          expect(berlinDay(new Date(ms))).toBe(berlinDayByRule(ms));
          expect(berlinDay(new Date(ms).toISOString())).toBe(berlinDayByRule(ms));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it.each([
    // New Year: Berlin is UTC+1 in winter.
    ['2026-12-31T22:59:59.999Z', '2026-12-31'],
    ['2026-12-31T23:00:00.000Z', '2027-01-01'],
    ['2026-12-31T23:30:00.000Z', '2027-01-01'],
    // Spring forward on Sunday 2026-03-29: midnight before it is UTC+1, midnight after UTC+2.
    ['2026-03-28T22:59:59.999Z', '2026-03-28'],
    ['2026-03-28T23:00:00.000Z', '2026-03-29'],
    ['2026-03-29T21:59:59.999Z', '2026-03-29'],
    ['2026-03-29T22:00:00.000Z', '2026-03-30'],
    // Fall back on Sunday 2026-10-25: midnight before it is UTC+2, midnight after UTC+1.
    ['2026-10-24T21:59:59.999Z', '2026-10-24'],
    ['2026-10-24T22:00:00.000Z', '2026-10-25'],
    ['2026-10-25T22:59:59.999Z', '2026-10-25'],
    ['2026-10-25T23:00:00.000Z', '2026-10-26'],
  ])('%s is %s in Berlin', (instant, day) => {
    expect(berlinDay(instant)).toBe(day);
  });
});

describe('isContractActiveOn', () => {
  const c = contract('2026-01-01', '2026-12-31');

  it.each([
    ['2025-12-31', false],
    ['2026-01-01', true],
    ['2026-06-15', true],
    ['2026-12-31', true],
    ['2027-01-01', false],
  ])('a contract 2026-01-01..2026-12-31 on %s: %s', (day, active) => {
    expect(isContractActiveOn(c, day)).toBe(active);
  });

  it('covers a one-day contract on exactly that day', () => {
    const oneDay = contract('2026-02-28', '2026-02-28');
    expect(isContractActiveOn(oneDay, '2026-02-27')).toBe(false);
    expect(isContractActiveOn(oneDay, '2026-02-28')).toBe(true);
    expect(isContractActiveOn(oneDay, '2026-03-01')).toBe(false);
  });

  it('keeps an open-ended contract active from its first day on, forever', () => {
    const open = contract('2026-04-01');
    expect(isContractActiveOn(open, '2026-03-31')).toBe(false);
    expect(isContractActiveOn(open, '2026-04-01')).toBe(true);
    expect(isContractActiveOn(open, '2099-12-31')).toBe(true);
  });

  it('is false without a contract', () => {
    expect(isContractActiveOn(undefined, '2026-04-01')).toBe(false);
  });

  it('is, for any days, exactly validFrom <= day <= validTo', () => {
    const day = fc
      .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) })
      .map((ms) => new Date(ms).toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, day, fc.option(day, { nil: undefined }), (on, from, to) => {
        const expected =
          Date.parse(from) <= Date.parse(on) &&
          (to === undefined || Date.parse(on) <= Date.parse(to));
        expect(isContractActiveOn(contract(from, to), on)).toBe(expected);
      }),
    );
  });
});

describe('groupAt', () => {
  it('uses the Berlin day: 2026-12-31T23:30Z is already in a contract starting 2027-01-01', () => {
    const acme = customerWith(contract('2027-01-01'));
    expect(groupAt(acme, '2026-12-31T22:59:59.999Z')).toBe('standard');
    expect(groupAt(acme, '2026-12-31T23:00:00.000Z')).toBe('contract');
    expect(groupAt(acme, '2026-12-31T23:30:00.000Z')).toBe('contract');
  });

  it('ends a contract at Berlin midnight after validTo', () => {
    const acme = customerWith(contract('2026-01-01', '2026-12-31'));
    expect(groupAt(acme, '2026-12-31T22:59:59.999Z')).toBe('contract');
    expect(groupAt(acme, '2026-12-31T23:30:00.000Z')).toBe('standard');
  });

  it('starts a contract at Berlin midnight on the day summer time begins (UTC+1 midnight)', () => {
    const acme = customerWith(contract('2026-03-29'));
    expect(groupAt(acme, '2026-03-28T22:59:59.999Z')).toBe('standard');
    expect(groupAt(acme, '2026-03-28T23:00:00.000Z')).toBe('contract');
  });

  it('ends a contract at Berlin midnight after summer time began (UTC+2 midnight)', () => {
    const acme = customerWith(contract('2026-01-01', '2026-03-29'));
    expect(groupAt(acme, '2026-03-29T21:59:59.999Z')).toBe('contract');
    expect(groupAt(acme, '2026-03-29T22:00:00.000Z')).toBe('standard');
  });

  it('starts a contract at Berlin midnight on the day summer time ends (UTC+2 midnight)', () => {
    const acme = customerWith(contract('2026-10-25'));
    expect(groupAt(acme, '2026-10-24T21:59:59.999Z')).toBe('standard');
    expect(groupAt(acme, '2026-10-24T22:00:00.000Z')).toBe('contract');
  });

  it('ends a contract at Berlin midnight after summer time ended (UTC+1 midnight)', () => {
    const acme = customerWith(contract('2026-01-01', '2026-10-25'));
    expect(groupAt(acme, '2026-10-25T22:59:59.999Z')).toBe('contract');
    expect(groupAt(acme, '2026-10-25T23:00:00.000Z')).toBe('standard');
  });

  it('puts unknown senders and customers without a contract in the standard group', () => {
    expect(groupAt(undefined, '2026-06-01T10:00:00.000Z')).toBe('standard');
    expect(groupAt(customerWith(), '2026-06-01T10:00:00.000Z')).toBe('standard');
  });
});

describe('candidateDomains', () => {
  it('lists the sender domain and its parents, most specific first, never a bare TLD', () => {
    expect(candidateDomains('anna@eu.acme.de')).toEqual(['eu.acme.de', 'acme.de']);
    expect(candidateDomains('anna@acme.de')).toEqual(['acme.de']);
  });

  it('lower-cases and ignores a trailing dot', () => {
    expect(candidateDomains('Anna.Berg@EU.ACME.DE')).toEqual(['eu.acme.de', 'acme.de']);
    expect(candidateDomains('anna@acme.de.')).toEqual(['acme.de']);
  });

  it('takes the domain after the last @', () => {
    expect(candidateDomains('"a@b"@mail.acme.de')).toEqual(['mail.acme.de', 'acme.de']);
  });

  it('gives nothing for a bare TLD, no domain or no @', () => {
    expect(candidateDomains('root@localhost')).toEqual([]);
    expect(candidateDomains('anna@de')).toEqual([]);
    expect(candidateDomains('anna@')).toEqual([]);
    expect(candidateDomains('not an address')).toEqual([]);
    expect(candidateDomains('')).toEqual([]);
  });

  it('lists up to four domains', () => {
    expect(candidateDomains('a@x.y.eu.acme.de')).toEqual([
      'x.y.eu.acme.de',
      'y.eu.acme.de',
      'eu.acme.de',
      'acme.de',
    ]);
  });
});

describe('contractBoundaries', () => {
  it('is empty without a contract and only the first day for an open-ended one', () => {
    expect(contractBoundaries(undefined)).toEqual([]);
    expect(contractBoundaries(contract('2026-04-01'))).toEqual(['2026-04-01']);
  });

  it.each([
    ['2026-06-14', '2026-06-15'],
    ['2026-01-31', '2026-02-01'],
    ['2026-04-30', '2026-05-01'],
    ['2026-12-31', '2027-01-01'],
    ['2026-02-28', '2026-03-01'],
    ['2028-02-28', '2028-02-29'],
    ['2028-02-29', '2028-03-01'],
    ['2100-02-28', '2100-03-01'],
    ['2000-02-28', '2000-02-29'],
    ['2026-03-28', '2026-03-29'],
    ['2026-03-29', '2026-03-30'],
    ['2026-10-25', '2026-10-26'],
  ])('a contract ending %s changes the group on %s', (validTo, dayAfter) => {
    expect(contractBoundaries(contract('2025-01-01', validTo))).toEqual(['2025-01-01', dayAfter]);
  });

  it('gives, for any end day, the first day on which the contract is no longer active', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 0, 1) }), (ms) => {
        const validTo = new Date(ms).toISOString().slice(0, 10);
        const c = contract('2000-01-01', validTo);
        const [first, after] = contractBoundaries(c);
        expect(first).toBe('2000-01-01');
        expect(after).toBeDefined();
        if (after === undefined) return;
        expect(isCalendarDay(after)).toBe(true);
        expect(Date.parse(after) - Date.parse(validTo)).toBe(86_400_000);
        expect(isContractActiveOn(c, validTo)).toBe(true);
        expect(isContractActiveOn(c, after)).toBe(false);
      }),
    );
  });
});

describe('isCalendarDay', () => {
  it.each([
    ['2026-02-28', true],
    ['2026-02-29', false],
    ['2028-02-29', true],
    ['2000-02-29', true],
    ['2100-02-29', false],
    ['2026-04-30', true],
    ['2026-04-31', false],
    ['2026-12-31', true],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-01-00', false],
    ['2026-01-32', false],
  ])('%s: %s', (value, expected) => {
    expect(isCalendarDay(value)).toBe(expected);
  });

  it.each([
    '',
    '2026-1-01',
    '2026-01-1',
    '26-01-01',
    '2026/01/01',
    '20260101',
    ' 2026-01-01',
    '2026-01-01 ',
    '2026-01-01\n',
    '2026-01-01T00:00:00Z',
    '+2026-01-01',
    '２０２６-01-01',
    'yesterday',
  ])('rejects the malformed %j', (value) => {
    expect(isCalendarDay(value)).toBe(false);
  });

  it('accepts every day that a Date prints', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(9999, 11, 31) }), (ms) => {
        expect(isCalendarDay(new Date(ms).toISOString().slice(0, 10))).toBe(true);
      }),
    );
  });
});
