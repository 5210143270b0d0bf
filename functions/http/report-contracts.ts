import { contractReport, contractReportChunks, deliverReport } from '../app/sales-reports';
import { dependencies } from '../shared/dependencies';
import { withExports } from '../shared/with-buckets';
import { httpHandler } from '../shared/http-handler';
import { reportResult } from './report-result';
import { contractReportQuery } from './schemas';

/**
 * `GET /reports/contracts?month=YYYY-MM&format=json|csv|excel` (sales, admins, finance):
 * per contract customer the month's utilisation, value, billing and service levels.
 */
export const handler = httpHandler(
  'report-contracts',
  { query: contractReportQuery },
  async (request) => {
    const { month, format } = request.query;
    const deps = withExports(dependencies());
    const report = await contractReport(deps, month);
    return reportResult(
      await deliverReport(
        deps.exports,
        contractReportChunks(report, format),
        `contracts-${month}`,
        format,
      ),
    );
  },
);
