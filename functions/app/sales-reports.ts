import {
  CONTRACT_REPORT_COLUMNS,
  ContractTally,
  contractReportCsvRow,
  monthsEndingWith,
  partyOf,
  UPSELL_REPORT_COLUMNS,
  UpsellTally,
  upsellReportCsvRow,
  type ContractReport,
  type ReferenceContract,
  type UpsellReport,
} from '../domain/sales';
import type { ExportFormat } from '../domain/billing-export';
import { berlinMonth } from '../domain/calendar';
import type { Customer } from '../domain/customer';
import { ValidationError } from '../domain/errors';
import { deliverChunks, type DeliveredExport } from './deliver-export';
import { csvChunks, EXPORT_MEDIA } from './export-billing';
import type { ExportStore } from './export-ports';
import type { ReferenceContractStore, WorkEntryRepository } from './ports';
import { contractCustomersOf, type ReportDeps, serviceLevelReport } from './service-level-report';
import { requestExportPrefix } from '../domain/bucket-keys';

export interface SalesReportDeps extends ReportDeps {
  workEntries: Pick<WorkEntryRepository, 'billableEntriesInMonth' | 'coveredEntriesInMonth'>;
  referenceContracts: ReferenceContractStore;
}

/** Most months the upsell report looks back. */
export const MAX_UPSELL_MONTHS = 36;

/**
 * The contract report of a month (SPEC §12): per contract customer fee, included and used
 * minutes, the covered work's value at list prices, what was billed beyond the contract,
 * the month's service-level results and the 12 months up to it. Each month is read from
 * the billing index (its billable and its wholly covered entries, one paged Query each),
 * the service levels from the received index (the service-level report, reused); no scan.
 */
export async function contractReport(
  deps: SalesReportDeps,
  month: string,
): Promise<ContractReport> {
  const customers = await contractCustomersOf(deps, month);
  const serviceLevels = await serviceLevelReport(deps, month, customers);
  const tally = new ContractTally(month);
  for (const customer of customers) tally.addCustomer(customer);
  for (const m of tally.months()) {
    for (const entries of [
      deps.workEntries.billableEntriesInMonth(m),
      deps.workEntries.coveredEntriesInMonth(m),
    ]) {
      for await (const page of entries) for (const entry of page) tally.addEntry(entry);
    }
  }
  return tally.report(serviceLevels.rows, deps.clock.now());
}

/**
 * The upsell report (SPEC §12) of the last `months` Berlin months (the current one and
 * those before): customers without a contract ranked by what they were billed, with their
 * tickets by severity and what the reference contract would have cost them. Per month ONE
 * paged Query of the billing index (the billable entries, in customer and date order) and
 * ONE of the received index (the tickets); customer records are fetched once per page for
 * the customers not seen yet, as the billing export does.
 */
export async function upsellReport(deps: SalesReportDeps, months: number): Promise<UpsellReport> {
  if (!Number.isSafeInteger(months) || months < 1 || months > MAX_UPSELL_MONTHS) {
    throw new ValidationError(`months must be 1 to ${MAX_UPSELL_MONTHS}.`, [
      { field: 'query.months', message: `a whole number from 1 to ${MAX_UPSELL_MONTHS}` },
    ]);
  }
  const now = deps.clock.now();
  const period = monthsEndingWith(berlinMonth(now), months);
  const reference: ReferenceContract = await deps.referenceContracts.get();
  const tally = new UpsellTally(period, reference);
  const known = new Map<string, Customer | null>();
  for (const month of period) {
    for await (const page of deps.workEntries.billableEntriesInMonth(month)) {
      const missing = [
        ...new Set(
          page.map((e) => e.customer.id).filter((id): id is string => !!id && !known.has(id)),
        ),
      ];
      if (missing.length) {
        for (const id of missing) known.set(id, null);
        for (const customer of await deps.customers.getMany(missing)) {
          known.set(customer.customerId, customer);
          tally.addContract(customer.customerId, customer.contract);
        }
      }
      for (const entry of page) {
        const customer = entry.customer.id ? known.get(entry.customer.id) : undefined;
        tally.addEntry(
          entry,
          partyOf({ id: entry.customer.id, name: customer?.name ?? entry.customer.name }),
        );
      }
    }
  }
  for (const month of period) {
    for await (const page of deps.tickets.receivedInMonth(month)) {
      for (const ticket of page) {
        if (ticket.group !== 'standard') continue;
        const party = ticket.customer
          ? partyOf({ id: ticket.customer.id, name: ticket.customer.name })
          : partyOf({ id: null, name: ticket.requester.name }, ticket.requester.email);
        tally.addTicket(ticket.severity, party, month);
      }
    }
  }
  return tally.report(now);
}

/** The contract report as a download (JSON, CSV or German-Excel CSV), streamed row by row. */
export function contractReportChunks(
  report: ContractReport,
  format: ExportFormat,
): AsyncIterable<string> {
  if (format === 'json') return jsonChunks(report);
  const excel = format === 'excel';
  return csvChunks(
    each(report.rows, (row) => contractReportCsvRow(report.month, row, excel)),
    CONTRACT_REPORT_COLUMNS,
    excel,
  );
}

/** The upsell report as a download, streamed row by row. */
export function upsellReportChunks(
  report: UpsellReport,
  format: ExportFormat,
): AsyncIterable<string> {
  if (format === 'json') return jsonChunks(report);
  const excel = format === 'excel';
  return csvChunks(
    each(report.rows, (row) => upsellReportCsvRow(report.months, row, excel)),
    UPSELL_REPORT_COLUMNS,
    excel,
  );
}

/**
 * A report for a request, as the billing export is delivered: in the response while it
 * is small, else stored in the export bucket (`requests/reports/`) behind a link.
 */
export function deliverReport(
  exports: ExportStore,
  chunks: AsyncIterable<string>,
  name: string,
  format: ExportFormat,
): Promise<DeliveredExport> {
  const { contentType, extension } = EXPORT_MEDIA[format];
  return deliverChunks(exports, chunks, {
    contentType,
    fileName: `${name}.${extension}`,
    keyPrefix: requestExportPrefix('reports'),
  });
}

/** A report object as JSON text, its rows one chunk each. */
async function* jsonChunks<R extends { rows: unknown[] }>(report: R): AsyncGenerator<string> {
  const { rows, ...head } = report;
  const opening = JSON.stringify(head);
  yield `${opening.slice(0, -1)}${opening.length > 2 ? ',' : ''}"rows":[`;
  let first = true;
  for (const row of rows) {
    yield `${first ? '' : ','}\n${JSON.stringify(row)}`;
    first = false;
  }
  yield '\n]}\n';
}

async function* each<T, R>(rows: T[], map: (row: T) => R): AsyncGenerator<R> {
  for (const row of rows) yield map(row);
}

/** An admin replaces the reference contract; it applies to the next upsell report. */
export async function replaceReferenceContract(
  deps: Pick<SalesReportDeps, 'referenceContracts' | 'clock'>,
  reference: Omit<ReferenceContract, 'updatedAt'>,
): Promise<ReferenceContract> {
  const stored: ReferenceContract = { ...reference, updatedAt: deps.clock.now().toISOString() };
  await deps.referenceContracts.put(stored);
  return stored;
}
