import { DEFAULT_ERASURE_BUDGET, eraseSubject } from '../app/privacy';
import { integer, optional } from '../shared/config';
import { LocalSesMailbox } from '../adapters/local-ses-mailbox';
import { log } from '../shared/log';
import { addPart, dependencies } from '../shared/dependencies';
import type { S3ExportStore } from '../adapters/s3-export-store';
import { withExports, withMailBucket } from '../shared/with-buckets';
import { httpHandler } from '../shared/http-handler';
import { staffName } from '../shared/staff';
import { erasureRequest } from './schemas';

/**
 * `POST /privacy/erasures {email}` (admins): erases the person's personal data (GDPR
 * Art. 17) and answers what changed (`200`); a repeated erasure changes nothing. One larger
 * than a request's budget (`ERASURE_BATCH_TICKETS` tickets, 20 s) answers `202` with its
 * progress and goes on when the same request is sent again.
 */
export const handler = httpHandler('privacy-erasure', { body: erasureRequest }, async (request) => {
  const { email } = request.body;
  const deps = withExports(withMailBucket(dependencies()));
  const report = await eraseSubject(
    addPart(
      addPart(deps, 'exportFiles', () => deps.exports as S3ExportStore),
      'sentMailCopies',
      () => new LocalSesMailbox(optional('SES_ENDPOINT')),
    ),
    email,
    staffName(request.principal),
    {
      ...DEFAULT_ERASURE_BUDGET,
      tickets: Math.max(1, integer('ERASURE_BATCH_TICKETS', DEFAULT_ERASURE_BUDGET.tickets)),
    },
  );
  // The accountability record of the erasure (GDPR Art. 5(2)): who, which subject (by hash), what.
  log('INFO', 'personal data erased', {
    erasureId: report.erasureId,
    staff: report.by,
    status: report.status,
    tickets: report.tickets,
    messages: report.messages,
    mails: report.mails,
    workEntries: report.workEntries,
    files: report.files,
    verifiedAddress: report.verifiedAddress,
  });
  if (report.status === 'done') return { status: 200, body: report };
  return {
    status: 202,
    headers: { location: `/privacy/erasures/${report.erasureId}` },
    body: report,
  };
});
