import type { DeliveredExport } from '../app/deliver-export';
import type { HttpResult } from '../shared/http-handler';

/**
 * The answer for a delivered download (the billing export, sales' reports): the file in
 * the response, or a 303 to its link when it was too large for one.
 */
export function reportResult(result: DeliveredExport): HttpResult {
  const disposition = `attachment; filename="${result.fileName}"`;
  if (result.kind === 'stored') {
    return { status: 303, headers: { location: result.url, 'content-disposition': disposition } };
  }
  return {
    status: 200,
    headers: { 'content-type': result.contentType, 'content-disposition': disposition },
    text: result.body,
  };
}
