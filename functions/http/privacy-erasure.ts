import { eraseSubject } from '../app/privacy';
import { dependencies } from '../shared/dependencies';
import { withMailBucket } from '../shared/with-buckets';
import { httpHandler } from '../shared/http-handler';
import { staffName } from '../shared/staff';
import { erasureRequest } from './schemas';

/**
 * `POST /privacy/erasures {email}` (admins): erases the person's personal data (GDPR
 * Art. 17) and answers what changed; a repeated erasure changes nothing.
 */
export const handler = httpHandler('privacy-erasure', { body: erasureRequest }, async (request) => {
  const { email } = request.body;
  const report = await eraseSubject(
    withMailBucket(dependencies()),
    email,
    staffName(request.principal),
  );
  return { status: 200, body: report };
});
