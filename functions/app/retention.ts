import { berlinMonth } from '../domain/calendar';
import {
  anonymiseWorkEntry,
  billingCutoffMonth,
  holdsPersonalData,
  monthsBefore,
  monthsBetween,
  retentionCutoff,
} from '../domain/privacy';
import { anonymiseTicketData, type ErasureReport, type PrivacyDeps } from './privacy';

/** How long personal data is kept (SPEC §13). */
export interface RetentionSettings {
  /** Closed tickets are anonymised this many months after their last change. */
  retentionMonths: number;
  /** Billing records lose the last person (the agent) after this many calendar years. */
  billingRetentionYears: number;
  /**
   * How many months of receipt before the cutoff each run looks through: a ticket that was
   * open longer than this before it was closed is not found. @default 36
   */
  lookbackMonths?: number;
}

/** What a retention run changed. */
export interface RetentionReport extends ErasureReport {
  /** Billing records whose legal period ended, anonymised. */
  billingRecords: number;
}

/**
 * The daily retention job: closed tickets whose last change is older than
 * `retentionMonths` are anonymised (as an erasure does; recorded as `retention`), and
 * billing records past their legal period lose the agent too. Both are found through
 * indexes (tickets by month of receipt, billing records by month), never by a scan; a run
 * cut short is finished by the next.
 */
export async function runRetention(
  deps: PrivacyDeps,
  settings: RetentionSettings,
): Promise<RetentionReport> {
  const now = deps.clock.now();
  const report: RetentionReport = {
    tickets: [],
    messages: 0,
    mails: 0,
    workEntries: 0,
    files: 0,
    contacts: [],
    verifiedAddress: false,
    billingRecords: 0,
  };
  const cutoff = retentionCutoff(now, settings.retentionMonths);
  const lastMonth = berlinMonth(cutoff);
  const firstMonth = monthsBefore(lastMonth, settings.lookbackMonths ?? 36);
  for (const month of monthsBetween(firstMonth, lastMonth)) {
    for await (const page of deps.tickets.receivedInMonth(month)) {
      for (const ticket of page) {
        if (ticket.status !== 'closed' || ticket.updatedAt >= cutoff) continue;
        if (!holdsPersonalData(ticket)) continue;
        await anonymiseTicketData(deps, ticket, 'system', 'retention', report);
      }
    }
  }
  const lastBillingMonth = billingCutoffMonth(now, settings.billingRetentionYears);
  for (const month of monthsBetween(monthsBefore(lastBillingMonth, 23), lastBillingMonth)) {
    for await (const page of deps.workEntries.billableEntriesInMonth(month)) {
      for (const entry of page) {
        const anonymised = anonymiseWorkEntry(entry, true);
        if (!anonymised) continue;
        await deps.personalData.replaceWorkEntry(anonymised);
        report.billingRecords++;
      }
    }
  }
  return report;
}
