import { backfillAuthorKeys } from '../functions/adapters/author-backfill';
import { runBackfill } from './backfill-cli';

/**
 * `npx tsx bin/backfill-authors.ts --table <TableName> [--force]`: the one-off migration that
 * puts messages stored before the author index into it, so access and erasure find what a
 * person wrote on other people's tickets (docs/data-model.md). `npm start` runs it by itself.
 */
await runBackfill(
  'bin/backfill-authors.ts',
  backfillAuthorKeys,
  'messages now in the author index',
);
