import { deliverExport } from '../app/deliver-export';
import { dependencies } from '../shared/dependencies';
import { withExports } from '../shared/with-buckets';
import { httpHandler } from '../shared/http-handler';
import { reportResult } from './report-result';
import { exportQuery } from './schemas';

/**
 * `GET /exports/billing?month=YYYY-MM&format=csv|excel|json` (finance): the month's
 * billable entries. Small exports come in the response; large ones as a 303 to a
 * download link of the same file in the export bucket.
 */
export const handler = httpHandler('export-billing', { query: exportQuery }, async (request) => {
  const { month, format } = request.query;
  return reportResult(await deliverExport(withExports(dependencies()), month, format));
});
