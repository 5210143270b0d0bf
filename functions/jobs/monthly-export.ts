import { runMonthlyExport } from '../app/monthly-export';
import { dependencies } from '../shared/dependencies';
import { jobHandler } from '../shared/job-handler';
import { withOutbox } from '../shared/with-outbox';
import { withExports } from '../shared/with-buckets';
import { log } from '../shared/log';

/**
 * Scheduled on the 1st of each month, Europe/Berlin: exports the previous month to the
 * export bucket and mails finance. `{ "month": "YYYY-MM" }` re-runs a given month.
 */
export const handler = jobHandler('monthly-export', async (event?: { month?: string }) => {
  const month =
    event?.month && /^\d{4}-(0[1-9]|1[0-2])$/.test(event.month) ? event.month : undefined;
  const result = await runMonthlyExport(withExports(withOutbox(dependencies())), month);
  log('INFO', 'monthly export written', { ...result });
  return result;
});
