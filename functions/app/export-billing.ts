import { stringify } from 'csv-stringify';
import {
  EXPORT_COLUMNS,
  type ExportFormat,
  exportRow,
  TotalsByCustomer,
} from '../domain/billing-export';
import type { WorkEntry } from '../domain/work-entry';
import type { CustomerRepository, WorkEntryRepository } from './ports';

export interface ExportDeps {
  workEntries: Pick<WorkEntryRepository, 'billableEntriesInMonth'>;
  customers: Pick<CustomerRepository, 'getMany'>;
}

/** Content type and file name of each format. */
export const EXPORT_MEDIA: Record<ExportFormat, { contentType: string; extension: string }> = {
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
  excel: { contentType: 'text/csv; charset=utf-8', extension: 'excel.csv' },
  json: { contentType: 'application/json; charset=utf-8', extension: 'json' },
};

/**
 * The billing export of one month as a stream of text chunks: one row per billable
 * entry, in the order of the billing index (customer, date, entry). Entries are read page
 * by page and customer names fetched once per page for the customers not seen yet, so
 * memory stays flat however many entries the month has.
 */
export async function* exportBilling(
  deps: ExportDeps,
  month: string,
  format: ExportFormat,
  totals?: TotalsByCustomer,
): AsyncGenerator<string> {
  const rows = counted(namedEntries(deps, month), totals);
  if (format === 'json') {
    yield* jsonExport(rows, month);
    return;
  }
  const excel = format === 'excel';
  yield* csvChunks(
    mapRows(rows, ({ entry, name }) => exportRow(entry, name, excel, true)),
    EXPORT_COLUMNS,
    excel,
  );
}

/**
 * Rows as CSV text, streamed: plain (comma, LF) or for German Excel (`;`, CRLF, BOM), with
 * a header line. The writer is fed while it is read, honouring its back pressure, so
 * memory holds a few rows however many come. Cells must be defused by the caller.
 */
export async function* csvChunks(
  rows: AsyncIterable<Record<string, string | number>>,
  columns: readonly string[],
  excel: boolean,
): AsyncGenerator<string> {
  const csv = stringify({
    header: true,
    columns: [...columns],
    delimiter: excel ? ';' : ',',
    record_delimiter: excel ? 'windows' : 'unix',
    bom: excel,
    // Names may hold line breaks: quote them, whatever the record delimiter.
    quoted_match: /[\r\n]/,
  });
  const feeding = (async () => {
    try {
      for await (const row of rows) {
        if (!csv.write(row)) {
          await new Promise((resolve) => csv.once('drain', resolve));
        }
      }
      csv.end();
    } catch (error) {
      csv.destroy(error as Error);
    }
  })();
  for await (const chunk of csv) yield String(chunk);
  await feeding;
}

async function* mapRows<T, R>(rows: AsyncIterable<T>, map: (row: T) => R): AsyncGenerator<R> {
  for await (const row of rows) yield map(row);
}

async function* jsonExport(rows: AsyncIterable<{ entry: WorkEntry; name: string }>, month: string) {
  const totals = new TotalsByCustomer();
  yield `{"month":${JSON.stringify(month)},"currency":"EUR","rows":[`;
  let first = true;
  for await (const { entry, name } of rows) {
    totals.add(entry, name);
    yield `${first ? '' : ','}\n${JSON.stringify(exportRow(entry, name))}`;
    first = false;
  }
  yield `\n],"totals":${JSON.stringify(totals.list())}}\n`;
}

async function* counted(
  rows: AsyncIterable<{ entry: WorkEntry; name: string }>,
  totals: TotalsByCustomer | undefined,
) {
  for await (const row of rows) {
    totals?.add(row.entry, row.name);
    yield row;
  }
}

async function* namedEntries(deps: ExportDeps, month: string) {
  const names = new Map<string, string>();
  for await (const page of deps.workEntries.billableEntriesInMonth(month)) {
    // The export is sorted by customer: names of customers already passed are not needed again.
    if (names.size > 1000) names.clear();
    const missing = [
      ...new Set(
        page.map((e) => e.customer.id).filter((id): id is string => !!id && !names.has(id)),
      ),
    ];
    if (missing.length) {
      for (const customer of await deps.customers.getMany(missing)) {
        names.set(customer.customerId, customer.name);
      }
    }
    for (const entry of page) {
      yield {
        entry,
        name: (entry.customer.id && names.get(entry.customer.id)) || entry.customer.name,
      };
    }
  }
}
