import { runRetention, type RetentionReport } from '../app/retention';
import { DEFAULT_BILLING_RETENTION_YEARS, DEFAULT_RETENTION_MONTHS } from '../domain/privacy';
import { integer } from '../shared/config';
import { dependencies } from '../shared/dependencies';
import { withMailBucket } from '../shared/with-buckets';
import { log } from '../shared/log';

/**
 * Daily (03:30 Berlin on AWS, hourly inside `npm start`): closed tickets whose last change
 * is older than `RETENTION_MONTHS` (24) are anonymised, billing records older than
 * `BILLING_RETENTION_YEARS` (10) full years lose the agent too (SPEC §13).
 */
export async function handler(): Promise<
  Omit<RetentionReport, 'tickets' | 'contacts'> & {
    tickets: number;
  }
> {
  const report = await runRetention(withMailBucket(dependencies()), {
    retentionMonths: positive('RETENTION_MONTHS', DEFAULT_RETENTION_MONTHS),
    billingRetentionYears: positive('BILLING_RETENTION_YEARS', DEFAULT_BILLING_RETENTION_YEARS),
  });
  // Counts only: the ids of anonymised tickets are no secret, but a count says enough.
  const summary = {
    tickets: report.tickets.length,
    messages: report.messages,
    mails: report.mails,
    workEntries: report.workEntries,
    files: report.files,
    verifiedAddress: report.verifiedAddress,
    billingRecords: report.billingRecords,
  };
  log('INFO', 'retention applied', summary);
  return summary;
}

function positive(name: string, fallback: number): number {
  const value = integer(name, fallback);
  if (value < 1) throw new Error(`${name} must be at least 1, not ${value}`);
  return value;
}
