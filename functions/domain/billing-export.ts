import { centsToDecimal } from './money';
import type { WorkEntry } from './work-entry';

/** Formats of the monthly export: plain CSV, CSV for German Excel, or JSON. */
export const EXPORT_FORMATS = ['csv', 'excel', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The columns of the export, in order (SPEC §4). */
export const EXPORT_COLUMNS = [
  'customerId',
  'customerName',
  'ticketId',
  'entryId',
  'workDate',
  'agent',
  'serviceCode',
  'serviceName',
  'minutes',
  'billableMinutes',
  'quantity',
  'unitPriceCents',
  'unitPrice',
  'amountCents',
  'amount',
  'currency',
  'contractId',
] as const;

export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string | number>;

/**
 * Spreadsheets (Excel, LibreOffice, Google Sheets) run a cell that starts with `=`, `+`,
 * `-`, `@`, a tab or a carriage return as a formula, even in a CSV file: such text gets a
 * leading apostrophe, which the spreadsheet shows as plain text (OWASP "CSV injection").
 */
export function defuseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * One export row per billable entry. Money appears twice: in cents (exact, for machines)
 * and as a decimal string made from the cents, never by float arithmetic; the Excel
 * variant writes the decimal with a comma. `defuseFormulas` (both CSV variants; not JSON,
 * which no spreadsheet runs) prefixes text that a spreadsheet would run as a formula.
 */
export function exportRow(
  entry: WorkEntry,
  customerName: string,
  decimalComma = false,
  defuseFormulas = decimalComma,
): ExportRow {
  const cell = (text: string) => (defuseFormulas ? defuseFormula(text) : text);
  const decimal = (cents: number) => {
    const text = centsToDecimal(cents);
    return decimalComma ? text.replace('.', ',') : text;
  };
  return {
    customerId: entry.customer.id ?? '',
    customerName: cell(customerName),
    ticketId: entry.ticketId,
    entryId: entry.entryId,
    workDate: entry.date,
    agent: cell(entry.agent),
    serviceCode: entry.serviceCode,
    serviceName: cell(entry.serviceName),
    minutes: entry.minutes,
    billableMinutes: entry.billableMinutes,
    quantity: entry.quantity,
    unitPriceCents: entry.unitPriceCents,
    unitPrice: decimal(entry.unitPriceCents),
    amountCents: entry.amountCents,
    amount: decimal(entry.amountCents),
    currency: entry.currency,
    contractId: entry.contractId ?? '',
  };
}

export interface CustomerTotal {
  customerId: string | null;
  customerName: string;
  entries: number;
  amountCents: number;
}

/** Running totals per customer; the export comes sorted by customer, so this stays small. */
export class TotalsByCustomer {
  private readonly totals = new Map<string, CustomerTotal>();

  add(entry: WorkEntry, customerName: string): void {
    const key = entry.customer.id ?? `~${entry.customer.name}`;
    const total = this.totals.get(key) ?? {
      customerId: entry.customer.id,
      customerName,
      entries: 0,
      amountCents: 0,
    };
    total.entries += 1;
    total.amountCents += entry.amountCents;
    this.totals.set(key, total);
  }

  list(): CustomerTotal[] {
    return [...this.totals.values()];
  }
}

/** `YYYY-MM` of the month before the one the Berlin day falls in. */
export function previousMonth(day: string): string {
  const [year, month] = day.split('-').map(Number) as [number, number];
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}
