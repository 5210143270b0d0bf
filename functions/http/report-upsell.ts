import { deliverReport, upsellReport, upsellReportChunks } from '../app/sales-reports';
import { dependencies } from '../shared/dependencies';
import { withExports } from '../shared/with-buckets';
import { httpHandler } from '../shared/http-handler';
import { reportResult } from './report-result';
import { upsellReportQuery } from './schemas';

/**
 * `GET /reports/upsell?months=N&format=json|csv|excel` (sales, admins): customers without a
 * contract ranked by what they were billed, against the reference contract.
 */
export const handler = httpHandler(
  'report-upsell',
  { query: upsellReportQuery },
  async (request) => {
    const { months, format } = request.query;
    const deps = withExports(dependencies());
    const report = await upsellReport(deps, months);
    const last = report.months[report.months.length - 1] ?? '';
    return reportResult(
      await deliverReport(
        deps.exports,
        upsellReportChunks(report, format),
        `upsell-${report.months[0] ?? ''}-${last}`,
        format,
      ),
    );
  },
);
