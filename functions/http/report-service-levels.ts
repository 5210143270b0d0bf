import { serviceLevelReport, serviceLevelReportCsv } from '../app/service-level-report';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { serviceLevelReportQuery } from './schemas';

/**
 * `GET /reports/service-levels?month=YYYY-MM&format=json|csv` (admins, sales, finance):
 * per contract customer and plan, how the month's tickets met their service levels.
 */
export const handler = httpHandler(
  'report-service-levels',
  { query: serviceLevelReportQuery },
  async (request) => {
    const { month, format } = request.query;
    const report = await serviceLevelReport(dependencies(), month);
    if (format === 'json') return { status: 200, body: report };
    return {
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="service-levels-${month}.csv"`,
      },
      text: serviceLevelReportCsv(report),
    };
  },
);
