import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EXPORT_COLUMNS,
  EXPORT_FORMATS,
  exportRow,
  previousMonth,
  TotalsByCustomer,
} from '../../../functions/domain/billing-export';
import { aWorkEntry } from './billing-fakes';

/** `-1234.56` / `-1234,56` → cents, with BigInt only (never a float). */
function decimalToCents(decimal: string, separator: '.' | ','): bigint {
  const [, sign = '', euros = '', rest = ''] =
    new RegExp(`^(-?)(0|[1-9]\\d*)\\${separator}(\\d{2})$`).exec(decimal) ?? [];
  if (!euros) throw new Error(`not a decimal amount: ${decimal}`);
  const abs = BigInt(euros) * 100n + BigInt(rest);
  return sign === '-' ? -abs : abs;
}

describe('exportRow', () => {
  it('has every column, in export order', () => {
    const row = exportRow(aWorkEntry({ entryId: 'W1' }), 'ACME GmbH');
    expect(Object.keys(row)).toEqual([...EXPORT_COLUMNS]);
  });

  it('maps an entry to a row, with the customer name given', () => {
    const entry = aWorkEntry({
      entryId: 'W1',
      ticketId: 'T-10042',
      agent: 'petra',
      date: '2026-05-04',
      minutes: 50,
      serviceCode: 'REMOTE',
      serviceName: 'Fernwartung',
      coveredMinutes: 20,
      billableMinutes: 30,
      quantity: 2,
      unitPriceCents: 3900,
      amountCents: 7800,
      contractId: 'SMV-7',
      customer: { id: 'acme', name: 'ACME (old name)' },
    });
    expect(exportRow(entry, 'ACME GmbH')).toEqual({
      customerId: 'acme',
      customerName: 'ACME GmbH',
      ticketId: 'T-10042',
      entryId: 'W1',
      workDate: '2026-05-04',
      agent: 'petra',
      serviceCode: 'REMOTE',
      serviceName: 'Fernwartung',
      minutes: 50,
      billableMinutes: 30,
      quantity: 2,
      unitPriceCents: 3900,
      unitPrice: '39.00',
      amountCents: 7800,
      amount: '78.00',
      currency: 'EUR',
      contractId: 'SMV-7',
    });
  });

  it.each([
    [5, '0.05', '0,05'],
    [50, '0.50', '0,50'],
    [99, '0.99', '0,99'],
    [100, '1.00', '1,00'],
    [3900, '39.00', '39,00'],
    [1234567, '12345.67', '12345,67'],
    [100_000_000, '1000000.00', '1000000,00'],
  ])('writes %d cents as %s, or %s with a decimal comma', (cents, point, comma) => {
    const entry = aWorkEntry({ entryId: 'W1', unitPriceCents: cents, amountCents: cents });
    expect(exportRow(entry, 'x')).toMatchObject({
      unitPrice: point,
      amount: point,
      unitPriceCents: cents,
      amountCents: cents,
    });
    expect(exportRow(entry, 'x', true)).toMatchObject({
      unitPrice: comma,
      amount: comma,
      unitPriceCents: cents,
      amountCents: cents,
    });
  });

  it('writes an empty contract id for an entry without a contract', () => {
    const entry = aWorkEntry({ entryId: 'W1' });
    expect(entry.contractId).toBeUndefined();
    expect(exportRow(entry, 'ACME GmbH').contractId).toBe('');
  });

  it("writes '' as the id of an unknown customer", () => {
    const entry = aWorkEntry({ entryId: 'W1', customer: { id: null, name: 'erika@example.org' } });
    expect(exportRow(entry, 'erika@example.org')).toMatchObject({
      customerId: '',
      customerName: 'erika@example.org',
    });
  });

  it('leaves everything but money alone with a decimal comma', () => {
    const entry = aWorkEntry({ entryId: 'W1', serviceName: 'Fernwartung 1.5', agent: 'a.b' });
    const point = exportRow(entry, 'A.B GmbH');
    const comma = exportRow(entry, 'A.B GmbH', true);
    expect({ ...comma, unitPrice: point.unitPrice, amount: point.amount }).toEqual(point);
  });

  it('makes decimals from cents exactly, in both notations (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: 100_000_000 }),
        (amount, price) => {
          const entry = aWorkEntry({ entryId: 'W1', amountCents: amount, unitPriceCents: price });
          const point = exportRow(entry, 'x');
          const comma = exportRow(entry, 'x', true);
          expect(decimalToCents(String(point.amount), '.')).toBe(BigInt(amount));
          expect(decimalToCents(String(point.unitPrice), '.')).toBe(BigInt(price));
          expect(decimalToCents(String(comma.amount), ',')).toBe(BigInt(amount));
          expect(decimalToCents(String(comma.unitPrice), ',')).toBe(BigInt(price));
          expect(point.amountCents).toBe(amount);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('EXPORT_FORMATS', () => {
  it('offers csv, excel and json', () => {
    expect([...EXPORT_FORMATS]).toEqual(['csv', 'excel', 'json']);
  });
});

describe('TotalsByCustomer', () => {
  it('is empty before anything is added', () => {
    expect(new TotalsByCustomer().list()).toEqual([]);
  });

  it('sums entries and amounts per customer, in the order customers first appear', () => {
    const totals = new TotalsByCustomer();
    totals.add(aWorkEntry({ entryId: 'W1', amountCents: 7800 }), 'ACME GmbH');
    totals.add(aWorkEntry({ entryId: 'W2', amountCents: 3900 }), 'ACME GmbH');
    totals.add(
      aWorkEntry({ entryId: 'W3', amountCents: 5, customer: { id: 'beta', name: 'Beta AG' } }),
      'Beta AG',
    );
    totals.add(aWorkEntry({ entryId: 'W4', amountCents: 100 }), 'ACME GmbH');

    expect(totals.list()).toEqual([
      { customerId: 'acme', customerName: 'ACME GmbH', entries: 3, amountCents: 11800 },
      { customerId: 'beta', customerName: 'Beta AG', entries: 1, amountCents: 5 },
    ]);
  });

  it('keeps unknown customers apart by name, and apart from known ones', () => {
    const totals = new TotalsByCustomer();
    const unknown = (entryId: string, name: string, amountCents: number) =>
      aWorkEntry({ entryId, amountCents, customer: { id: null, name } });
    totals.add(unknown('W1', 'erika@example.org', 100), 'erika@example.org');
    totals.add(unknown('W2', 'max@example.org', 200), 'max@example.org');
    totals.add(unknown('W3', 'erika@example.org', 300), 'erika@example.org');
    // A known customer whose id happens to equal an unknown requester's name.
    totals.add(
      aWorkEntry({
        entryId: 'W4',
        amountCents: 400,
        customer: { id: 'max@example.org', name: 'M' },
      }),
      'M',
    );

    expect(totals.list()).toEqual([
      { customerId: null, customerName: 'erika@example.org', entries: 2, amountCents: 400 },
      { customerId: null, customerName: 'max@example.org', entries: 1, amountCents: 200 },
      { customerId: 'max@example.org', customerName: 'M', entries: 1, amountCents: 400 },
    ]);
  });

  it('keeps the name the customer first appeared with', () => {
    const totals = new TotalsByCustomer();
    totals.add(aWorkEntry({ entryId: 'W1' }), 'ACME GmbH');
    totals.add(aWorkEntry({ entryId: 'W2' }), 'ACME (renamed)');
    expect(totals.list()).toMatchObject([{ customerName: 'ACME GmbH', entries: 2 }]);
  });

  it('adds up to the sum of all entries, exactly (property)', () => {
    const entries = fc.array(
      fc.record({
        customer: fc.constantFrom('acme', 'beta', 'gamma', null),
        amountCents: fc.integer({ min: 1, max: 100_000_000 }),
      }),
      { maxLength: 200 },
    );
    fc.assert(
      fc.property(entries, (list) => {
        const totals = new TotalsByCustomer();
        list.forEach((e, i) =>
          totals.add(
            aWorkEntry({
              entryId: `W${i}`,
              amountCents: e.amountCents,
              customer: { id: e.customer, name: e.customer ?? 'someone@example.org' },
            }),
            e.customer ?? 'someone@example.org',
          ),
        );
        const result = totals.list();
        expect(result.reduce((s, t) => s + t.entries, 0)).toBe(list.length);
        expect(result.reduce((s, t) => s + t.amountCents, 0)).toBe(
          list.reduce((s, e) => s + e.amountCents, 0),
        );
        expect(result).toHaveLength(new Set(list.map((e) => e.customer)).size);
        for (const total of result) {
          const mine = list.filter((e) => e.customer === total.customerId);
          expect(total.entries).toBe(mine.length);
          expect(total.amountCents).toBe(mine.reduce((s, e) => s + e.amountCents, 0));
        }
      }),
    );
  });
});

describe('previousMonth', () => {
  it.each([
    ['2026-01-01', '2025-12'],
    ['2026-01-31', '2025-12'],
    ['2026-02-01', '2026-01'],
    ['2026-03-01', '2026-02'],
    ['2026-04-01', '2026-03'],
    ['2026-10-01', '2026-09'],
    ['2026-11-01', '2026-10'],
    ['2026-12-31', '2026-11'],
    ['2000-01-01', '1999-12'],
    ['2026-01', '2025-12'],
    ['2026-10', '2026-09'],
  ])('%s → %s', (day, month) => {
    expect(previousMonth(day)).toBe(month);
  });

  it('is the calendar month before, for any day (property)', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1900-01-01T00:00:00Z'),
          max: new Date('9999-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const day = date.toISOString().slice(0, 10);
          const before = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 1, 1));
          expect(previousMonth(day)).toBe(before.toISOString().slice(0, 7));
        },
      ),
    );
  });
});
