import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXPORT_MEDIA, exportBilling } from '../../../functions/app/export-billing';
import {
  EXPORT_COLUMNS,
  exportRow,
  TotalsByCustomer,
  type ExportFormat,
} from '../../../functions/domain/billing-export';
import type { Customer } from '../../../functions/domain/customer';
import type { WorkEntry } from '../../../functions/domain/work-entry';
import { aWorkEntry, billingSortKey, fakeBillingDeps } from './billing-fakes';
import { parseCsv, recordDelimiters } from './csv';

const MONTH = '2026-05';
const BOM = '\uFEFF';

const customer = (customerId: string, name: string): Customer => ({
  customerId,
  name,
  domains: [],
  contacts: [],
});

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

/** Deps for the export with the customers stored and the entries in the billing index. */
async function exportDeps(customers: Customer[], entries: WorkEntry[], pageSize = 500) {
  const deps = fakeBillingDeps('2026-06-01T08:00:00.000Z', { pageSize });
  for (const c of customers) await deps.customers.save(c);
  deps.workEntries.seed(...entries);
  return deps;
}

/** The rows the export should hold: billable entries of the month in index order. */
function expectedRows(
  entries: WorkEntry[],
  nameOf: (e: WorkEntry) => string,
  format: ExportFormat = 'json',
) {
  return entries
    .filter((e) => e.amountCents > 0 && e.date.startsWith(MONTH))
    .sort((a, b) => (billingSortKey(a) < billingSortKey(b) ? -1 : 1))
    .map((e) => {
      const row = exportRow(e, nameOf(e), format === 'excel', format !== 'json');
      return EXPORT_COLUMNS.map((column) => String(row[column]));
    });
}

const acmeEntries = [
  aWorkEntry({ entryId: 'W3', date: '2026-05-20', amountCents: 3900, quantity: 1 }),
  aWorkEntry({ entryId: 'W1', date: '2026-05-04', contractId: 'SMV-7' }),
  aWorkEntry({ entryId: 'W2', date: '2026-05-04', amountCents: 5, unitPriceCents: 5, quantity: 1 }),
];
const otherEntries = [
  aWorkEntry({
    entryId: 'W4',
    date: '2026-05-02',
    customer: { id: 'beta', name: 'Beta AG' },
    amountCents: 1234567,
  }),
  aWorkEntry({
    entryId: 'W5',
    date: '2026-05-31',
    customer: { id: null, name: 'erika@example.org' },
  }),
  // Not in the export: nothing to pay, another month.
  aWorkEntry({
    entryId: 'W6',
    date: '2026-05-10',
    coveredMinutes: 30,
    billableMinutes: 0,
    quantity: 0,
    amountCents: 0,
  }),
  aWorkEntry({ entryId: 'W7', date: '2026-04-30' }),
  aWorkEntry({ entryId: 'W8', date: '2026-06-01' }),
];

/**
 * Names that need quoting. A bare CR (and, in the Excel variant, a bare LF) is left out on
 * purpose: the writer does not quote it (see the report).
 */
const awkward = [
  customer('a-comma', 'Müller, Meier & Co.'),
  customer('b-semicolon', 'Schmidt; Söhne'),
  customer('c-quote', 'Der "Beste" Service'),
  customer('d-newline', 'Zeile 1\nZeile 2'),
  customer('e-crlf', 'Zeile 1\r\nZeile 2'),
  customer('f-all', '"; ,\n"'),
];
const awkwardEntries = awkward.map((c, i) =>
  aWorkEntry({ entryId: `WA${i}`, customer: { id: c.customerId, name: 'recorded' } }),
);
const currentName = (e: WorkEntry) =>
  awkward.find((c) => c.customerId === e.customer.id)?.name ?? e.customer.name;

describe('exportBilling: CSV', () => {
  it('writes the header and one row per billable entry, ordered by customer, date and entry', async () => {
    const deps = await exportDeps(
      [customer('acme', 'ACME GmbH'), customer('beta', 'Beta AG')],
      [...acmeEntries, ...otherEntries],
    );

    const text = await collect(exportBilling(deps, MONTH, 'csv'));

    const lines = text.split('\n');
    expect(lines[0]).toBe(EXPORT_COLUMNS.join(','));
    expect(lines[1]).toBe(
      'acme,ACME GmbH,T-10001,W1,2026-05-04,petra,REMOTE,Fernwartung,30,30,2,3900,39.00,7800,78.00,EUR,SMV-7',
    );
    expect(lines.at(-1)).toBe('');
    const records = parseCsv(text, ',');
    expect(records[0]).toEqual([...EXPORT_COLUMNS]);
    expect(records.slice(1).map((r) => r[3])).toEqual(['W1', 'W2', 'W3', 'W4', 'W5']);
    expect(records.slice(1)).toEqual(
      expectedRows([...acmeEntries, ...otherEntries], (e) => e.customer.name, 'csv'),
    );
    // Money in cents and as decimal EUR from the cents.
    expect(records[2]?.slice(11, 15)).toEqual(['5', '0.05', '5', '0.05']);
    expect(records[4]?.slice(13, 15)).toEqual(['1234567', '12345.67']);
    // An unknown customer has an empty id; an entry without a contract an empty contract id.
    expect(records[5]?.slice(0, 2)).toEqual(['', 'erika@example.org']);
    expect(records[5]?.at(-1)).toBe('');
    expect(recordDelimiters(text)).toEqual(['\n']);
    expect(text.startsWith(BOM)).toBe(false);
  });

  it("takes customers' current names, else the name recorded with the entry", async () => {
    const deps = await exportDeps(
      [customer('acme', 'ACME Neu GmbH')],
      [
        aWorkEntry({ entryId: 'W1', customer: { id: 'acme', name: 'ACME GmbH' } }),
        aWorkEntry({ entryId: 'W2', customer: { id: 'gone', name: 'Gone KG' } }),
        aWorkEntry({ entryId: 'W3', customer: { id: null, name: 'max@example.org' } }),
      ],
    );

    const records = parseCsv(await collect(exportBilling(deps, MONTH, 'csv')), ',');

    expect(records.slice(1).map((r) => r.slice(0, 2))).toEqual([
      ['acme', 'ACME Neu GmbH'],
      ['gone', 'Gone KG'],
      ['', 'max@example.org'],
    ]);
  });

  it('quotes names with commas, quotes and line breaks as RFC 4180 says', async () => {
    const deps = await exportDeps(awkward, awkwardEntries);

    const text = await collect(exportBilling(deps, MONTH, 'csv'));

    expect(text).toContain(',"Müller, Meier & Co.",');
    expect(text).toContain(',Schmidt; Söhne,'); // no need to quote `;` between commas
    expect(text).toContain(',"Der ""Beste"" Service",');
    expect(text).toContain(',"Zeile 1\nZeile 2",');
    expect(text).toContain(',"Zeile 1\r\nZeile 2",');
    expect(text).toContain(',"""; ,\n""",');
    expect(parseCsv(text, ',').slice(1)).toEqual(expectedRows(awkwardEntries, currentName, 'csv'));
  });

  it('writes the Excel variant with `;`, CRLF, a UTF-8 BOM and decimal commas', async () => {
    const names = awkward;
    const entries = [
      ...awkwardEntries,
      aWorkEntry({ entryId: 'W9', customer: { id: null, name: 'x@y.de' }, amountCents: 1234567 }),
    ];
    const deps = await exportDeps(names, entries);

    const text = await collect(exportBilling(deps, MONTH, 'excel'));

    expect(text.startsWith(BOM)).toBe(true);
    expect(text.slice(1).startsWith(`${EXPORT_COLUMNS.join(';')}\r\n`)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(recordDelimiters(text)).toEqual(['\r\n']);
    expect(text).toContain(';"Schmidt; Söhne";');
    expect(text).toContain(';Müller, Meier & Co.;'); // no need to quote `,` between semicolons
    expect(text).toContain(';"Der ""Beste"" Service";');
    expect(text).toContain(';"Zeile 1\r\nZeile 2";');
    expect(text).toContain(';"""; ,\n""";'); // quoted for its quotes, so the LF is safe
    expect(text).toContain(';3900;39,00;7800;78,00;EUR;');
    expect(text).toContain(';1234567;12345,67;EUR;');
    const records = parseCsv(text.slice(1), ';');
    expect(records[0]).toEqual([...EXPORT_COLUMNS]);
    expect(records.slice(1)).toEqual(expectedRows(entries, currentName, 'excel'));
  });

  it('keeps multi-byte characters whole across many rows', async () => {
    const entries = Array.from({ length: 3000 }, (_, i) =>
      aWorkEntry({
        entryId: `W${String(i).padStart(5, '0')}`,
        customer: { id: null, name: `Jörg Ümlaut 😀 ${i}` },
      }),
    );
    const deps = await exportDeps([], entries, 250);

    for (const format of ['csv', 'excel'] as const) {
      const text = await collect(exportBilling(deps, MONTH, format));
      expect(text).not.toContain('\uFFFD');
      const records = parseCsv(
        format === 'excel' ? text.slice(1) : text,
        format === 'excel' ? ';' : ',',
      );
      expect(records).toHaveLength(3001);
      expect(records.slice(1)).toEqual(expectedRows(entries, (e) => e.customer.name, format));
    }
  });

  it('collects totals per customer while it writes, if asked to', async () => {
    const deps = await exportDeps(
      [customer('acme', 'ACME GmbH'), customer('beta', 'Beta AG')],
      [...acmeEntries, ...otherEntries],
    );
    const totals = new TotalsByCustomer();

    await collect(exportBilling(deps, MONTH, 'csv', totals));

    expect(totals.list()).toEqual([
      { customerId: 'acme', customerName: 'ACME GmbH', entries: 3, amountCents: 7800 + 5 + 3900 },
      { customerId: 'beta', customerName: 'Beta AG', entries: 1, amountCents: 1234567 },
      { customerId: null, customerName: 'erika@example.org', entries: 1, amountCents: 7800 },
    ]);
  });
});

describe('exportBilling: JSON', () => {
  it('parses as JSON with the month, the rows and totals per customer', async () => {
    const entries = [...acmeEntries, ...otherEntries, ...awkwardEntries];
    const deps = await exportDeps(
      [customer('acme', 'ACME GmbH'), customer('beta', 'Beta AG'), ...awkward],
      entries,
    );

    const text = await collect(exportBilling(deps, MONTH, 'json'));
    const parsed: unknown = JSON.parse(text);

    const nameOf = (e: WorkEntry) =>
      e.customer.id === 'acme'
        ? 'ACME GmbH'
        : e.customer.id === 'beta'
          ? 'Beta AG'
          : currentName(e);
    const rows = entries
      .filter((e) => e.amountCents > 0 && e.date.startsWith(MONTH))
      .sort((a, b) => (billingSortKey(a) < billingSortKey(b) ? -1 : 1))
      .map((e) => exportRow(e, nameOf(e)));
    const totals = new TotalsByCustomer();
    for (const e of entries
      .filter((x) => x.amountCents > 0 && x.date.startsWith(MONTH))
      .sort((a, b) => (billingSortKey(a) < billingSortKey(b) ? -1 : 1))) {
      totals.add(e, nameOf(e));
    }
    expect(parsed).toEqual({ month: MONTH, currency: 'EUR', rows, totals: totals.list() });
    expect(parsed).toMatchObject({
      totals: expect.arrayContaining([
        { customerId: 'acme', customerName: 'ACME GmbH', entries: 3, amountCents: 11705 },
      ]),
    });
  });

  it('writes decimal points (not commas) in JSON', async () => {
    const deps = await exportDeps([], [aWorkEntry({ entryId: 'W1', amountCents: 1234567 })]);
    const parsed = JSON.parse(await collect(exportBilling(deps, MONTH, 'json'))) as {
      rows: { amount: string; amountCents: number }[];
    };
    expect(parsed.rows).toMatchObject([{ amount: '12345.67', amountCents: 1234567 }]);
  });
});

describe('exportBilling: reading', () => {
  it('asks for names with ONE getMany per page, and only for customers not seen yet', async () => {
    // Pages of 2: [acme, acme] [acme, beta] [gamma, ~unknown] [~unknown]
    const entries = [
      ...['W1', 'W2', 'W3'].map((entryId) => aWorkEntry({ entryId })),
      aWorkEntry({ entryId: 'W4', customer: { id: 'beta', name: 'Beta AG' } }),
      aWorkEntry({ entryId: 'W5', customer: { id: 'gamma', name: 'Gamma SE' } }),
      aWorkEntry({ entryId: 'W6', customer: { id: null, name: 'a@example.org' } }),
      aWorkEntry({ entryId: 'W7', customer: { id: null, name: 'b@example.org' } }),
    ];
    const deps = await exportDeps(
      [customer('acme', 'ACME'), customer('beta', 'Beta'), customer('gamma', 'Gamma')],
      entries,
      2,
    );

    const records = parseCsv(await collect(exportBilling(deps, MONTH, 'csv')), ',');

    expect(records).toHaveLength(8);
    expect(deps.workEntries.monthQueries).toEqual([MONTH]);
    expect(deps.workEntries.pagesRead).toBe(4);
    expect(deps.customers.getManyCalls).toEqual([['acme'], ['beta'], ['gamma']]);
    expect(deps.customers.getCalls).toBe(0);
  });

  it('never asks more than once per page, whatever the pages hold (property)', async () => {
    const entriesArb = fc.array(
      fc.record({
        customer: fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c5', 'gone', null),
        day: fc.integer({ min: 1, max: 31 }),
      }),
      { maxLength: 60 },
    );
    await fc.assert(
      fc.asyncProperty(entriesArb, fc.integer({ min: 1, max: 10 }), async (list, pageSize) => {
        const entries = list.map((e, i) =>
          aWorkEntry({
            entryId: `W${String(i).padStart(3, '0')}`,
            date: `2026-05-${String(e.day).padStart(2, '0')}`,
            customer: { id: e.customer, name: `recorded ${e.customer ?? 'nobody'}` },
          }),
        );
        const known = ['c1', 'c2', 'c3', 'c4', 'c5'].map((id) => customer(id, `Current ${id}`));
        const deps = await exportDeps(known, entries, pageSize);

        const records = parseCsv(await collect(exportBilling(deps, MONTH, 'csv')), ',');

        expect(deps.customers.getManyCalls.length).toBeLessThanOrEqual(deps.workEntries.pagesRead);
        for (const call of deps.customers.getManyCalls)
          expect(new Set(call).size).toBe(call.length);
        const asked = deps.customers.getManyCalls.flat();
        // A stored customer is asked for once; a deleted one (`gone`) is asked again on
        // every page it appears in, as its name is never found.
        const stored = asked.filter((id) => id !== 'gone');
        expect(new Set(stored).size).toBe(stored.length);
        expect(new Set(asked)).toEqual(
          new Set(list.map((e) => e.customer).filter((id) => id !== null)),
        );
        expect(deps.customers.getCalls).toBe(0);
        expect(records.slice(1)).toEqual(
          expectedRows(
            entries,
            (e) =>
              e.customer.id && e.customer.id !== 'gone'
                ? `Current ${e.customer.id}`
                : e.customer.name,
            'csv',
          ),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('names up to 1000 different customers of one page with their current names', async () => {
    const customers = Array.from({ length: 1000 }, (_, i) =>
      customer(`c${String(i).padStart(4, '0')}`, `Current ${i}`),
    );
    const entries = customers.map((c, i) =>
      aWorkEntry({ entryId: `WA${i}`, customer: { id: c.customerId, name: `Recorded ${i}` } }),
    );
    const deps = await exportDeps(customers, entries, 1000);

    const records = parseCsv(await collect(exportBilling(deps, MONTH, 'csv')), ',');

    expect(records.slice(1).map((r) => r[1])).toEqual(customers.map((c) => c.name));
    expect(deps.customers.getManyCalls).toHaveLength(1);
  });

  it('makes no getMany call for a month of unknown customers only', async () => {
    const deps = await exportDeps(
      [],
      [aWorkEntry({ entryId: 'W1', customer: { id: null, name: 'x@y.de' } })],
    );
    await collect(exportBilling(deps, MONTH, 'csv'));
    expect(deps.customers.getManyCalls).toEqual([]);
  });

  it.each<ExportFormat>(['csv', 'excel', 'json'])(
    'fails the %s export when reading fails, instead of hanging or ending early',
    async (format) => {
      const deps = await exportDeps([], []);
      const failing = {
        workEntries: {
          async *billableEntriesInMonth() {
            yield [aWorkEntry({ entryId: 'W1' })];
            throw new Error('query failed');
          },
        },
        customers: deps.customers,
      };
      await expect(collect(exportBilling(failing, MONTH, format))).rejects.toThrow('query failed');
    },
  );
});

describe('exportBilling: an empty month', () => {
  it('gives only the header (csv)', async () => {
    const deps = await exportDeps([], otherEntries.slice(2));
    expect(await collect(exportBilling(deps, MONTH, 'csv'))).toBe(`${EXPORT_COLUMNS.join(',')}\n`);
    expect(deps.customers.getManyCalls).toEqual([]);
  });

  it('gives only the BOM and the header (excel)', async () => {
    const deps = await exportDeps([], []);
    expect(await collect(exportBilling(deps, MONTH, 'excel'))).toBe(
      `${BOM}${EXPORT_COLUMNS.join(';')}\r\n`,
    );
  });

  it('gives no rows and no totals (json)', async () => {
    const deps = await exportDeps([], []);
    expect(JSON.parse(await collect(exportBilling(deps, MONTH, 'json')))).toEqual({
      month: MONTH,
      currency: 'EUR',
      rows: [],
      totals: [],
    });
  });
});

describe('exportBilling: any names round-trip (property)', () => {
  const nameArb = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', 'Ü', ',', ';', '"', '\n', '\r', ' ', '😀', "'", '=') }),
    fc.string({ unit: 'grapheme' }),
  );

  it.each<ExportFormat>(['csv', 'excel', 'json'])('%s', async (format) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(nameArb, fc.boolean(), fc.integer({ min: 1, max: 10_000_000 })), {
          minLength: 1,
          maxLength: 15,
        }),
        fc.integer({ min: 1, max: 5 }),
        async (specs, pageSize) => {
          const known = specs.map(([name], i) => customer(`c${i}`, name));
          const entries = specs.map(([name, isKnown, amount], i) =>
            aWorkEntry({
              entryId: `W${i}`,
              amountCents: amount,
              serviceName: name,
              customer: isKnown ? { id: `c${i}`, name: 'recorded' } : { id: null, name },
            }),
          );
          const deps = await exportDeps(known, entries, pageSize);

          const text = await collect(exportBilling(deps, MONTH, format));

          const nameOf = (e: WorkEntry) =>
            e.customer.id === null
              ? e.customer.name
              : (known.find((c) => c.customerId === e.customer.id)?.name ?? '') || 'recorded';
          if (format === 'json') {
            const parsed = JSON.parse(text) as { rows: Record<string, unknown>[] };
            expect(parsed.rows.map((r) => EXPORT_COLUMNS.map((c) => String(r[c])))).toEqual(
              expectedRows(entries, nameOf),
            );
          } else {
            const excel = format === 'excel';
            expect(text.startsWith(BOM)).toBe(excel);
            const records = parseCsv(excel ? text.slice(1) : text, excel ? ';' : ',');
            expect(records.slice(1)).toEqual(expectedRows(entries, nameOf, format));
            expect(recordDelimiters(text)).toEqual([excel ? '\r\n' : '\n']);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('EXPORT_MEDIA', () => {
  it('names content types and extensions of the formats', () => {
    expect(EXPORT_MEDIA).toEqual({
      csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
      excel: { contentType: 'text/csv; charset=utf-8', extension: 'excel.csv' },
      json: { contentType: 'application/json; charset=utf-8', extension: 'json' },
    });
  });
});
