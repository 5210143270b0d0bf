import { previousMonth, TotalsByCustomer } from '../domain/billing-export';
import { berlinDay } from '../domain/calendar';
import { outboxEvents } from '../domain/mail/outbox-event';
import { EXPORT_MEDIA, exportBilling, type ExportDeps } from './export-billing';
import { exportFileName } from './deliver-export';
import type { ExportStore } from './export-ports';
import type { Clock, Outbox } from './ports';
import { monthlyExportKey } from '../domain/bucket-keys';

export type MonthlyExportDeps = ExportDeps & { exports: ExportStore; outbox: Outbox; clock: Clock };

/** The formats kept for finance each month. */
const MONTHLY_FORMATS = ['csv', 'excel'] as const;

/**
 * On the 1st of each month (Europe/Berlin): the previous month's export is written to the
 * export bucket, in CSV and as German-Excel CSV, and finance is mailed where it is. Run
 * again for the same month it writes the same files and mails once.
 */
export async function runMonthlyExport(deps: MonthlyExportDeps, month?: string) {
  const target = month ?? previousMonth(berlinDay(deps.clock.now()));
  const files: { format: string; bucket: string; key: string }[] = [];
  let totals = new TotalsByCustomer();
  for (const format of MONTHLY_FORMATS) {
    totals = new TotalsByCustomer();
    const key = monthlyExportKey(target, exportFileName(target, format));
    const stored = await deps.exports.put(
      key,
      exportBilling(deps, target, format, totals),
      EXPORT_MEDIA[format].contentType,
    );
    files.push({ format, ...stored });
  }
  const summary = totals.list().reduce(
    (sum, t) => ({
      entries: sum.entries + t.entries,
      amountCents: sum.amountCents + t.amountCents,
    }),
    { entries: 0, amountCents: 0 },
  );
  await deps.outbox.publish(outboxEvents.financeNotice(target, files, summary));
  return { month: target, files, ...summary };
}
