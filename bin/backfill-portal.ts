import { parseArgs } from 'node:util';
import { createDocumentClient } from '../functions/adapters/dynamodb';
import { backfillPortalKeys } from '../functions/adapters/portal-backfill';

/**
 * `npx tsx bin/backfill-portal.ts --table <TableName> [--force]`: the one-off migration that
 * lists tickets stored before the customer portal in the portal (docs/operations.md). Runs
 * with the caller's AWS credentials and region (`AWS_PROFILE`, `AWS_REGION`), or against a
 * stand-in with `DYNAMODB_ENDPOINT`. `npm start` runs it by itself.
 */
const { values } = parseArgs({
  options: { table: { type: 'string' }, force: { type: 'boolean', default: false } },
});
if (!values.table) {
  console.error('usage: npx tsx bin/backfill-portal.ts --table <TableName> [--force]');
  process.exit(2);
}
const endpoint = process.env.DYNAMODB_ENDPOINT;
const report = await backfillPortalKeys(
  createDocumentClient(endpoint ? { endpoint } : {}),
  values.table,
  { force: values.force },
);
console.log(
  report.alreadyDone
    ? 'Done before (a marker item says so); --force runs it again.'
    : `Read ${report.scanned} items; ${report.updated} tickets now listed in the portal.`,
);
