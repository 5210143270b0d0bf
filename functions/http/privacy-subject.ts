import { INLINE_LIMIT_BYTES, deliverChunks } from '../app/deliver-export';
import { subjectData, subjectExportKey } from '../app/privacy';
import { addressHash } from '../domain/privacy';
import { integer } from '../shared/config';
import { dependencies } from '../shared/dependencies';
import { log } from '../shared/log';
import { staffName } from '../shared/staff';
import { withExports, withMailBucket } from '../shared/with-buckets';
import { httpHandler } from '../shared/http-handler';
import { reportResult } from './report-result';
import { subjectQuery } from './schemas';
import { subjectDocument } from './views';

/**
 * `GET /privacy/subjects?email=` (admins): everything stored about one person as one JSON
 * document (GDPR Art. 15/20), written part by part as the tickets are read: in the answer
 * up to `PRIVACY_INLINE_LIMIT_BYTES` (5 MB, below Lambda's 6 MB), else into the export
 * bucket (`requests/privacy/<hash of the address>.json`, gone after 7 days or at the
 * person's erasure) and a 303 to a short-lived link.
 */
export const handler = httpHandler('privacy-subject', { query: subjectQuery }, async (request) => {
  const { email } = request.query;
  const deps = withExports(withMailBucket(dependencies()));
  const delivered = await deliverChunks(
    deps.exports,
    subjectDocument(email, deps.clock.now(), subjectData(deps, email)),
    {
      contentType: 'application/json',
      fileName: 'personal-data.json',
      keyPrefix: 'requests/privacy/',
      key: subjectExportKey(email),
      inlineLimit: integer('PRIVACY_INLINE_LIMIT_BYTES', INLINE_LIMIT_BYTES),
    },
  );
  // The record of a disclosure (GDPR Art. 5(2)): who asked about whom (by hash), how it went.
  log('INFO', 'personal data exported', {
    erasureId: addressHash(email),
    staff: staffName(request.principal),
    outcome: delivered.kind,
  });
  return reportResult(delivered);
});
