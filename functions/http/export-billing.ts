import { deliverExport } from '../app/deliver-export';
import { dependencies } from '../shared/dependencies';
import { withExports } from '../shared/with-buckets';
import { httpHandler } from '../shared/http-handler';
import { validate } from '../shared/validation';
import { exportQuery } from './schemas';

/**
 * `GET /exports/billing?month=YYYY-MM&format=csv|excel|json` (finance): the month's
 * billable entries. Small exports come in the response; large ones as a 303 to a
 * download link of the same file in the export bucket.
 */
export const handler = httpHandler('export-billing', async (request) => {
  const { month, format } = validate(exportQuery, request.query, 'query');
  const result = await deliverExport(withExports(dependencies()), month, format);
  const disposition = `attachment; filename="${result.fileName}"`;
  if (result.kind === 'stored') {
    return { status: 303, headers: { location: result.url, 'content-disposition': disposition } };
  }
  return {
    status: 200,
    headers: { 'content-type': result.contentType, 'content-disposition': disposition },
    text: result.body,
  };
});
