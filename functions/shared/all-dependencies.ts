import { createDependencies as createTableDependencies, type Dependencies } from './dependencies';
import { withAccessTokens } from './with-access-tokens';
import { withExports, withMailBucket } from './with-buckets';
import { withMailSender } from './with-mail-sender';
import { withOutbox } from './with-outbox';

/**
 * Every part, each built on first use: for processes that serve everything (`bin/export.ts`,
 * tests). Lambda handlers import only the `with-*.ts` modules of the clients they use.
 */
export function createDependencies(): Dependencies {
  return withExports(
    withMailBucket(withMailSender(withAccessTokens(withOutbox(createTableDependencies())))),
  );
}
