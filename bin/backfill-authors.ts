import { parseArgs } from 'node:util';
import { createDocumentClient } from '../functions/adapters/dynamodb';
import { backfillAuthorKeys } from '../functions/adapters/author-backfill';

/**
 * `npx tsx bin/backfill-authors.ts --table <TableName> [--force]`: the one-off migration that
 * puts messages stored before the author index into it, so access and erasure find what a
 * person wrote on other people's tickets (docs/data-model.md). Runs with the caller's AWS
 * credentials and region, or against a stand-in with `DYNAMODB_ENDPOINT`. `npm start` runs
 * it by itself.
 */
const { values } = parseArgs({
  options: { table: { type: 'string' }, force: { type: 'boolean', default: false } },
});
if (!values.table) {
  console.error('usage: npx tsx bin/backfill-authors.ts --table <TableName> [--force]');
  process.exit(2);
}
const endpoint = process.env.DYNAMODB_ENDPOINT;
const report = await backfillAuthorKeys(
  createDocumentClient(endpoint ? { endpoint } : {}),
  values.table,
  { force: values.force },
);
console.log(
  report.alreadyDone
    ? 'Done before (a marker item says so); --force runs it again.'
    : `Read ${report.scanned} items; ${report.updated} messages now in the author index.`,
);
