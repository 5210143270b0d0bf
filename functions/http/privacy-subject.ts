import { subjectData } from '../app/privacy';
import { dependencies } from '../shared/dependencies';
import { withMailBucket } from '../shared/with-buckets';
import { httpHandler } from '../shared/http-handler';
import { subjectQuery } from './schemas';
import { subjectDocument } from './views';

/**
 * `GET /privacy/subjects?email=` (admins): everything stored about one person as one JSON
 * document (GDPR Art. 15/20), written part by part as the tickets are read.
 */
export const handler = httpHandler('privacy-subject', { query: subjectQuery }, async (request) => {
  const { email } = request.query;
  const deps = withMailBucket(dependencies());
  const text = await subjectDocument(email, deps.clock.now(), subjectData(deps, email));
  return {
    status: 200,
    headers: {
      'content-type': 'application/json',
      'content-disposition': 'attachment; filename="personal-data.json"',
    },
    text,
  };
});
