import { chargeFor, quantityFor } from './billing';
import { defuseFormula } from './billing-export';
import type { Contract, Customer } from './customer';
import { centsToDecimal } from './money';
import type { ServiceLevelRow } from './service-levels/report';
import { contractCoversMonth } from './service-levels/report';
import type { Severity } from './ticket';
import { SEVERITIES } from './ticket';
import type { WorkEntry } from './work-entry';

/**
 * The contract sales offers customers without one (SPEC §12): what the upsell report
 * compares their bills against. Admins edit it (`PUT /reports/reference-contract`).
 */
export interface ReferenceContract {
  /** Net fee per month, integer cents (EUR). */
  monthlyFeeCents: number;
  includedMinutesPerMonth: number;
  /** Service codes whose minutes the included minutes cover. */
  coveredServiceCodes: string[];
  /** When an admin last changed it, ISO-8601 UTC; absent for the shipped default. */
  updatedAt?: string;
}

/**
 * The reference contract until an admin stores one: remote and phone support and minute
 * analysis, five hours a month, for 490 € a month (net).
 */
export const DEFAULT_REFERENCE_CONTRACT: ReferenceContract = {
  monthlyFeeCents: 49_000,
  includedMinutesPerMonth: 300,
  coveredServiceCodes: ['REMOTE', 'PHONE', 'ANALYSIS'],
};

/** `YYYY-MM` of the month `offset` months after `month` (negative: before). */
export function addMonths(month: string, offset: number): string {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (mon - 1) + offset;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The `count` months ending with `last`, oldest first. */
export function monthsEndingWith(last: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addMonths(last, i - count + 1));
}

/**
 * What the covered work of an entry is worth at list prices: what the whole entry would
 * have cost without the contract (every started unit of its minutes, the entry's own
 * price) less what was billed for it. Rounding is per started unit of the entry, as the
 * bill counts it: 10 covered and 5 billed minutes of a quarter-hour service are worth
 * nothing, since the one started quarter hour was billed anyway.
 */
export function coveredValueCents(
  entry: Pick<WorkEntry, 'minutes' | 'unit' | 'unitPriceCents' | 'amountCents'>,
): number {
  return Math.max(
    0,
    quantityFor(entry.minutes, entry.unit) * entry.unitPriceCents - entry.amountCents,
  );
}

/** One month of a contract customer: what was included, used, worth and billed. */
export interface ContractMonth {
  month: string;
  includedMinutes: number;
  usedMinutes: number;
  coveredValueCents: number;
  billedCents: number;
}

/** Service-level results of a contract customer's month, over all its plans. */
export interface ContractServiceLevels {
  tickets: number;
  firstResponsesMet: number;
  firstResponsesBreached: number;
  resolutionsMet: number;
  resolutionsBreached: number;
}

/** One line of the contract report: a contract customer in the month. */
export interface ContractReportRow {
  customerId: string;
  customerName: string;
  contractId: string;
  /** Null when the contract names no fee. */
  monthlyFeeCents: number | null;
  includedMinutes: number;
  usedMinutes: number;
  /** Whole per cent of the included minutes used; null when none are included. */
  utilisationPercent: number | null;
  coveredValueCents: number;
  /** Billed beyond the contract: minutes past the included ones, codes it does not cover. */
  billedCents: number;
  /** Covered value less the fee: what the contract was worth above its price (may be < 0). */
  valueLessFeeCents: number | null;
  serviceLevels: ContractServiceLevels;
  /** The 12 months ending with the report's month, oldest first; zeros where nothing happened. */
  trend: ContractMonth[];
}

export interface ContractReport {
  month: string;
  generatedAt: string;
  currency: 'EUR';
  rows: ContractReportRow[];
}

/**
 * Adds up the contract report (SPEC §12) from work entries read month by month: every
 * contract customer of the month is a row, with zeros for months without work. Entries of
 * other customers are passed over; a customer's included minutes are its contract's in
 * every month the contract runs (the contract as it is now; earlier terms are not kept).
 */
export class ContractTally {
  private readonly rows = new Map<
    string,
    { customer: Customer; contract: Contract; months: Map<string, ContractMonth> }
  >();

  constructor(
    private readonly month: string,
    private readonly trendMonths = 12,
  ) {}

  /** The months to read, oldest first. */
  months(): string[] {
    return monthsEndingWith(this.month, this.trendMonths);
  }

  /** A customer with a contract running in the report's month. */
  addCustomer(customer: Customer): void {
    const contract = customer.contract;
    if (!contract || !contractCoversMonth(contract, this.month)) return;
    const months = new Map<string, ContractMonth>();
    for (const month of this.months()) {
      months.set(month, {
        month,
        includedMinutes: contractCoversMonth(contract, month)
          ? contract.includedMinutesPerMonth
          : 0,
        usedMinutes: 0,
        coveredValueCents: 0,
        billedCents: 0,
      });
    }
    this.rows.set(customer.customerId, { customer, contract, months });
  }

  /** A work entry (billable or covered) of one of the months read. */
  addEntry(entry: WorkEntry): void {
    const row = entry.customer.id ? this.rows.get(entry.customer.id) : undefined;
    const month = row?.months.get(entry.date.slice(0, 7));
    if (!month) return;
    month.usedMinutes += entry.coveredMinutes;
    month.coveredValueCents += coveredValueCents(entry);
    month.billedCents += entry.amountCents;
  }

  report(serviceLevels: ServiceLevelRow[], now: Date): ContractReport {
    const results = new Map<string, ContractServiceLevels>();
    for (const sl of serviceLevels) {
      const sum = results.get(sl.customerId) ?? emptyServiceLevels();
      sum.tickets += sl.tickets;
      sum.firstResponsesMet += sl.firstResponsesMet;
      sum.firstResponsesBreached += sl.firstResponsesBreached;
      sum.resolutionsMet += sl.resolutionsMet;
      sum.resolutionsBreached += sl.resolutionsBreached;
      results.set(sl.customerId, sum);
    }
    const rows = [...this.rows.values()].map(({ customer, contract, months }) => {
      const trend = [...months.values()];
      const current = months.get(this.month) as ContractMonth;
      const fee = contract.monthlyFeeCents ?? null;
      return {
        customerId: customer.customerId,
        customerName: customer.name,
        contractId: contract.id,
        monthlyFeeCents: fee,
        includedMinutes: current.includedMinutes,
        usedMinutes: current.usedMinutes,
        utilisationPercent:
          current.includedMinutes > 0
            ? Math.round((current.usedMinutes * 100) / current.includedMinutes)
            : null,
        coveredValueCents: current.coveredValueCents,
        billedCents: current.billedCents,
        valueLessFeeCents: fee === null ? null : current.coveredValueCents - fee,
        serviceLevels: results.get(customer.customerId) ?? emptyServiceLevels(),
        trend,
      };
    });
    rows.sort(byName);
    return { month: this.month, generatedAt: now.toISOString(), currency: 'EUR', rows };
  }
}

function emptyServiceLevels(): ContractServiceLevels {
  return {
    tickets: 0,
    firstResponsesMet: 0,
    firstResponsesBreached: 0,
    resolutionsMet: 0,
    resolutionsBreached: 0,
  };
}

function byName(
  a: { customerName: string; customerId: string | null },
  b: { customerName: string; customerId: string | null },
): number {
  return (
    a.customerName.localeCompare(b.customerName, 'de') ||
    ((a.customerId ?? '') < (b.customerId ?? '')
      ? -1
      : (a.customerId ?? '') > (b.customerId ?? '')
        ? 1
        : 0)
  );
}

/** Tickets per severity, and all of them. */
export type SeverityCounts = Record<Severity, number> & { total: number };

/** One line of the upsell report: a customer (or a mail domain) without a contract. */
export interface UpsellRow {
  /** 1 for the customer billed most. */
  rank: number;
  /** Null for senders without a customer record, grouped by `domain`. */
  customerId: string | null;
  name: string;
  /** The senders' mail domain, for senders without a customer record. */
  domain: string | null;
  /** Months of the period the customer had no contract in. */
  months: number;
  entries: number;
  /** Minutes of the billed work. */
  minutes: number;
  billedCents: number;
  tickets: SeverityCounts;
  /** The reference contract over the same months: its fees, what it would still bill, the sum. */
  referenceFeesCents: number;
  referenceBilledCents: number;
  referenceCostCents: number;
  /** Billed less the reference contract's cost: what the customer would have saved (may be < 0). */
  savingCents: number;
}

export interface UpsellReport {
  months: string[];
  generatedAt: string;
  currency: 'EUR';
  reference: ReferenceContract;
  rows: UpsellRow[];
}

/** Who an entry or ticket without a contract belongs to, as the upsell report groups them. */
export interface UpsellParty {
  key: string;
  customerId: string | null;
  name: string;
  domain: string | null;
}

/** The mail domain of an address (lower case), or undefined for anything else. */
export function domainOf(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  const domain =
    at > 0
      ? address
          .slice(at + 1)
          .trim()
          .toLowerCase()
      : '';
  return /^[a-z0-9.-]+\.[a-z0-9-]+$/.test(domain) ? domain : undefined;
}

/**
 * The party of a customer record, or of a sender without one: grouped by mail domain when
 * the address is known (billing names such entries by the requester's address), else by
 * the name alone.
 */
export function partyOf(
  customer: { id: string | null; name: string },
  email?: string,
): UpsellParty {
  if (customer.id) {
    return { key: `C#${customer.id}`, customerId: customer.id, name: customer.name, domain: null };
  }
  const domain = domainOf(email ?? customer.name);
  return domain
    ? { key: `D#${domain}`, customerId: null, name: domain, domain }
    : { key: `N#${customer.name}`, customerId: null, name: customer.name, domain: null };
}

interface UpsellBucket {
  party: UpsellParty;
  entries: number;
  minutes: number;
  billedCents: number;
  referenceBilledCents: number;
  tickets: SeverityCounts;
  /** Reference minutes used per month, in the order the entries come. */
  used: Map<string, number>;
  /** Months the customer had a contract in: neither counted nor charged. */
  contractMonths: Set<string>;
}

/**
 * Adds up the upsell report (SPEC §12): the billable work of customers without a contract,
 * and what the reference contract would have cost them over the same months — its fee for
 * every month without a contract (also months without work), plus the entries' price for
 * what it would not have covered. Each entry is priced again as billing prices it (its own
 * unit and price, covered minutes first from the month's included ones, every started
 * unit of the rest), in the order the entries come: per customer by date.
 */
export class UpsellTally {
  private readonly buckets = new Map<string, UpsellBucket>();

  constructor(
    private readonly periodMonths: string[],
    private readonly reference: ReferenceContract,
  ) {}

  private bucket(party: UpsellParty): UpsellBucket {
    let bucket = this.buckets.get(party.key);
    if (!bucket) {
      bucket = {
        party,
        entries: 0,
        minutes: 0,
        billedCents: 0,
        referenceBilledCents: 0,
        tickets: { critical: 0, high: 0, normal: 0, low: 0, total: 0 },
        used: new Map(),
        contractMonths: new Set(),
      };
      this.buckets.set(party.key, bucket);
    }
    return bucket;
  }

  /**
   * A customer record's contract: the months it runs are left out for that customer, and a
   * customer whose contract runs in the last month of the period is no lead at all.
   */
  addContract(customerId: string, contract: Contract | undefined): void {
    if (!contract) return;
    const bucket = this.bucket({
      key: `C#${customerId}`,
      customerId,
      name: customerId,
      domain: null,
    });
    for (const month of this.periodMonths) {
      if (contractCoversMonth(contract, month)) bucket.contractMonths.add(month);
    }
  }

  /** A billable entry of a month of the period (entries under a contract are passed over). */
  addEntry(entry: WorkEntry, party: UpsellParty): void {
    if (entry.contractId) return;
    const month = entry.date.slice(0, 7);
    const bucket = this.bucket(party);
    if (bucket.contractMonths.has(month)) return;
    if (bucket.party.name === bucket.party.customerId) bucket.party = party;
    bucket.entries++;
    bucket.minutes += entry.minutes;
    bucket.billedCents += entry.amountCents;
    const used = bucket.used.get(month) ?? 0;
    const covered = this.reference.coveredServiceCodes.includes(entry.serviceCode);
    const charge = chargeFor(
      entry.minutes,
      {
        code: entry.serviceCode,
        name: entry.serviceName,
        unit: entry.unit,
        unitPriceCents: entry.unitPriceCents,
      },
      { covered, allowanceLeft: this.reference.includedMinutesPerMonth - used },
    );
    bucket.used.set(month, used + charge.coveredMinutes);
    bucket.referenceBilledCents += charge.amountCents;
  }

  /**
   * A ticket of a standard customer received in a month of the period; counted for parties
   * with billed work only, so add the entries first.
   */
  addTicket(severity: Severity, party: UpsellParty, month: string): void {
    // Only parties with billed work are leads: counting every other sender's tickets would
    // hold the whole period's senders in memory for rows never shown.
    const bucket = this.buckets.get(party.key);
    if (!bucket || bucket.entries === 0 || bucket.contractMonths.has(month)) return;
    bucket.tickets[severity]++;
    bucket.tickets.total++;
  }

  /** Ranked by what was billed, most first; only parties with billed work are leads. */
  report(now: Date): UpsellReport {
    const last = this.periodMonths[this.periodMonths.length - 1];
    const rows = [...this.buckets.values()]
      .filter((b) => b.billedCents > 0 && !(last !== undefined && b.contractMonths.has(last)))
      .map((b): UpsellRow => {
        const months = this.periodMonths.length - b.contractMonths.size;
        const referenceFeesCents = months * this.reference.monthlyFeeCents;
        const referenceCostCents = referenceFeesCents + b.referenceBilledCents;
        return {
          rank: 0,
          customerId: b.party.customerId,
          name: b.party.name,
          domain: b.party.domain,
          months,
          entries: b.entries,
          minutes: b.minutes,
          billedCents: b.billedCents,
          tickets: b.tickets,
          referenceFeesCents,
          referenceBilledCents: b.referenceBilledCents,
          referenceCostCents,
          savingCents: b.billedCents - referenceCostCents,
        };
      })
      .sort(
        (a, b) =>
          b.billedCents - a.billedCents ||
          byName(
            { customerName: a.name, customerId: a.customerId ?? a.domain },
            { customerName: b.name, customerId: b.customerId ?? b.domain },
          ),
      )
      .map((row, i) => ({ ...row, rank: i + 1 }));
    return {
      months: this.periodMonths,
      generatedAt: now.toISOString(),
      currency: 'EUR',
      reference: this.reference,
      rows,
    };
  }
}

/** Columns of the contract report's CSV (the month's figures; the trend is in JSON). */
export const CONTRACT_REPORT_COLUMNS = [
  'month',
  'customerId',
  'customerName',
  'contractId',
  'monthlyFeeCents',
  'monthlyFee',
  'includedMinutes',
  'usedMinutes',
  'utilisationPercent',
  'coveredValueCents',
  'coveredValue',
  'billedCents',
  'billed',
  'valueLessFeeCents',
  'valueLessFee',
  'tickets',
  'firstResponsesMet',
  'firstResponsesBreached',
  'resolutionsMet',
  'resolutionsBreached',
  'currency',
] as const;

/** Columns of the upsell report's CSV. */
export const UPSELL_REPORT_COLUMNS = [
  'rank',
  'customerId',
  'name',
  'domain',
  'fromMonth',
  'toMonth',
  'months',
  'entries',
  'minutes',
  'billedCents',
  'billed',
  ...SEVERITIES.map((s) => `tickets${s.charAt(0).toUpperCase()}${s.slice(1)}` as const),
  'ticketsTotal',
  'referenceFeesCents',
  'referenceBilledCents',
  'referenceCostCents',
  'referenceCost',
  'savingCents',
  'saving',
  'currency',
] as const;

type Cell = string | number;

/** Money as a decimal string from the cents (never by float arithmetic); Excel's with a comma. */
function decimalOf(cents: number, decimalComma: boolean): string {
  const text = centsToDecimal(cents);
  return decimalComma ? text.replace('.', ',') : text;
}

/**
 * A CSV row of the contract report. Both CSV variants defuse text a spreadsheet would run
 * as a formula, as the billing export does; the Excel variant writes decimal commas.
 */
export function contractReportCsvRow(
  month: string,
  row: ContractReportRow,
  decimalComma: boolean,
): Record<(typeof CONTRACT_REPORT_COLUMNS)[number], Cell> {
  const money = (cents: number | null) => (cents === null ? '' : decimalOf(cents, decimalComma));
  return {
    month,
    customerId: defuseFormula(row.customerId),
    customerName: defuseFormula(row.customerName),
    contractId: defuseFormula(row.contractId),
    monthlyFeeCents: row.monthlyFeeCents ?? '',
    monthlyFee: money(row.monthlyFeeCents),
    includedMinutes: row.includedMinutes,
    usedMinutes: row.usedMinutes,
    utilisationPercent: row.utilisationPercent ?? '',
    coveredValueCents: row.coveredValueCents,
    coveredValue: money(row.coveredValueCents),
    billedCents: row.billedCents,
    billed: money(row.billedCents),
    valueLessFeeCents: row.valueLessFeeCents ?? '',
    valueLessFee: money(row.valueLessFeeCents),
    tickets: row.serviceLevels.tickets,
    firstResponsesMet: row.serviceLevels.firstResponsesMet,
    firstResponsesBreached: row.serviceLevels.firstResponsesBreached,
    resolutionsMet: row.serviceLevels.resolutionsMet,
    resolutionsBreached: row.serviceLevels.resolutionsBreached,
    currency: 'EUR',
  };
}

/** A CSV row of the upsell report (text defused, money as in the contract report). */
export function upsellReportCsvRow(
  months: string[],
  row: UpsellRow,
  decimalComma: boolean,
): Record<(typeof UPSELL_REPORT_COLUMNS)[number], Cell> {
  const money = (cents: number) => decimalOf(cents, decimalComma);
  return {
    rank: row.rank,
    customerId: row.customerId === null ? '' : defuseFormula(row.customerId),
    name: defuseFormula(row.name),
    domain: row.domain ?? '',
    fromMonth: months[0] ?? '',
    toMonth: months[months.length - 1] ?? '',
    months: row.months,
    entries: row.entries,
    minutes: row.minutes,
    billedCents: row.billedCents,
    billed: money(row.billedCents),
    ticketsCritical: row.tickets.critical,
    ticketsHigh: row.tickets.high,
    ticketsNormal: row.tickets.normal,
    ticketsLow: row.tickets.low,
    ticketsTotal: row.tickets.total,
    referenceFeesCents: row.referenceFeesCents,
    referenceBilledCents: row.referenceBilledCents,
    referenceCostCents: row.referenceCostCents,
    referenceCost: money(row.referenceCostCents),
    savingCents: row.savingCents,
    saving: money(row.savingCents),
    currency: 'EUR',
  };
}
