import type { Contract } from '../customer';
import type { Ticket } from '../ticket';
import { DEFAULT_PLAN_ID } from './plan';
import { slaView } from './sla-clock';

/** One line of the service-level report: a contract customer on one plan in a month. */
export interface ServiceLevelRow {
  customerId: string;
  customerName: string;
  planId: string;
  tickets: number;
  firstResponsesMet: number;
  firstResponsesBreached: number;
  /** Not answered yet and not overdue at the time of the report. */
  firstResponsesPending: number;
  resolutionsMet: number;
  resolutionsBreached: number;
  /** Neither resolved nor overdue (running or paused) at the time of the report. */
  resolutionsOpen: number;
  /** Median business minutes from the clock's start to the first response; null when none. */
  medianFirstResponseBusinessMinutes: number | null;
  /** Median minutes (elapsed) from receipt until an agent first took or answered it. */
  medianWaitingMinutes: number | null;
}

/** Waiting time of a group's tickets (receipt → first taken or answered), elapsed minutes. */
export interface WaitingTime {
  tickets: number;
  /** Tickets an agent took or answered so far. */
  attended: number;
  medianWaitingMinutes: number | null;
}

export interface ServiceLevelReport {
  month: string;
  generatedAt: string;
  rows: ServiceLevelRow[];
  /** For comparison: the groups' waiting times (standard tickets have no SLA). */
  waitingTime: { contract: WaitingTime; standard: WaitingTime };
}

/** The median of the values (mean of the middle two for an even count), 0.1 precise. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return Math.round(value * 10) / 10;
}

interface Bucket {
  row: Omit<ServiceLevelRow, 'medianFirstResponseBusinessMinutes' | 'medianWaitingMinutes'>;
  firstResponses: number[];
  waits: number[];
}

/**
 * Adds up a month's tickets (SPEC §9): a ticket counts in the Berlin month of its receipt,
 * per customer and plan; every contract customer of the month is listed, with zeros when
 * nothing happened. Whether a target was met is judged as the views judge it at `now`.
 */
export class ServiceLevelTally {
  private readonly buckets = new Map<string, Bucket>();
  private readonly waits = { contract: [] as number[], standard: [] as number[] };
  private readonly counts = { contract: 0, standard: 0 };

  constructor(
    private readonly month: string,
    private readonly now: Date,
  ) {}

  private bucket(customerId: string, customerName: string, planId: string): Bucket {
    const key = `${customerId}\u0000${planId}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = {
        row: {
          customerId,
          customerName,
          planId,
          tickets: 0,
          firstResponsesMet: 0,
          firstResponsesBreached: 0,
          firstResponsesPending: 0,
          resolutionsMet: 0,
          resolutionsBreached: 0,
          resolutionsOpen: 0,
        },
        firstResponses: [],
        waits: [],
      };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /** A contract customer of the month: listed even without tickets. */
  addCustomer(customerId: string, customerName: string, contract: Contract): void {
    this.bucket(customerId, customerName, contract.serviceLevel ?? DEFAULT_PLAN_ID);
  }

  /**
   * One ticket received in the month; `firstResponseBusinessMs` is the business time from
   * the clock's start to the first response on the ticket's plan, when there was one.
   */
  addTicket(ticket: Ticket, firstResponseBusinessMs?: number): void {
    const group = ticket.group === 'contract' && ticket.sla ? 'contract' : 'standard';
    this.counts[group]++;
    const wait = ticket.firstAttendedAt
      ? (Date.parse(ticket.firstAttendedAt) - Date.parse(ticket.receivedAt)) / 60_000
      : undefined;
    if (wait !== undefined) this.waits[group].push(wait);
    if (group === 'standard' || !ticket.sla) return;
    const bucket = this.bucket(
      ticket.customer?.id ?? '',
      ticket.customer?.name ?? ticket.requester.name,
      ticket.sla.planId,
    );
    const view = slaView(ticket.sla, this.now);
    const row = bucket.row;
    row.tickets++;
    if (view.firstResponse === 'met') row.firstResponsesMet++;
    else if (view.firstResponse === 'breached') row.firstResponsesBreached++;
    else row.firstResponsesPending++;
    if (view.resolution === 'met') row.resolutionsMet++;
    else if (view.resolution === 'breached') row.resolutionsBreached++;
    else row.resolutionsOpen++;
    if (firstResponseBusinessMs !== undefined)
      bucket.firstResponses.push(firstResponseBusinessMs / 60_000);
    if (wait !== undefined) bucket.waits.push(wait);
  }

  report(): ServiceLevelReport {
    const rows = [...this.buckets.values()]
      .map(({ row, firstResponses, waits }) => ({
        ...row,
        medianFirstResponseBusinessMinutes: median(firstResponses),
        medianWaitingMinutes: median(waits),
      }))
      .sort(
        (a, b) =>
          a.customerName.localeCompare(b.customerName, 'de') ||
          (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0) ||
          (a.planId < b.planId ? -1 : a.planId > b.planId ? 1 : 0),
      );
    const waiting = (group: 'contract' | 'standard'): WaitingTime => ({
      tickets: this.counts[group],
      attended: this.waits[group].length,
      medianWaitingMinutes: median(this.waits[group]),
    });
    return {
      month: this.month,
      generatedAt: this.now.toISOString(),
      rows,
      waitingTime: { contract: waiting('contract'), standard: waiting('standard') },
    };
  }
}

/** Whether a contract runs on at least one day of the month (`YYYY-MM`). */
export function contractCoversMonth(contract: Contract | undefined, month: string): boolean {
  if (!contract) return false;
  const first = `${month}-01`;
  const last = `${month}-31`;
  return (
    contract.validFrom <= last && (contract.validTo === undefined || contract.validTo >= first)
  );
}

const CSV_COLUMNS = [
  'month',
  'group',
  'customerId',
  'customerName',
  'planId',
  'tickets',
  'firstResponsesMet',
  'firstResponsesBreached',
  'firstResponsesPending',
  'resolutionsMet',
  'resolutionsBreached',
  'resolutionsOpen',
  'medianFirstResponseBusinessMinutes',
  'medianWaitingMinutes',
] as const;

/** The report as CSV rows (header first): one per customer and plan, then the standard group. */
export function reportCsvRows(report: ServiceLevelReport): (string | number)[][] {
  // A name like "=HYPERLINK(…)" must stay text in a spreadsheet.
  const cell = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
  const n = (v: number | null) => (v === null ? '' : v);
  return [
    [...CSV_COLUMNS],
    ...report.rows.map((r) => [
      report.month,
      'contract',
      cell(r.customerId),
      cell(r.customerName),
      r.planId,
      r.tickets,
      r.firstResponsesMet,
      r.firstResponsesBreached,
      r.firstResponsesPending,
      r.resolutionsMet,
      r.resolutionsBreached,
      r.resolutionsOpen,
      n(r.medianFirstResponseBusinessMinutes),
      n(r.medianWaitingMinutes),
    ]),
    [
      report.month,
      'standard',
      '',
      '',
      '',
      report.waitingTime.standard.tickets,
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      n(report.waitingTime.standard.medianWaitingMinutes),
    ],
  ];
}
