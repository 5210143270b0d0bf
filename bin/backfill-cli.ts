import { parseArgs } from 'node:util';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../functions/adapters/dynamodb';

/** What a one-off migration reports: done before, or how much it read and changed. */
export interface BackfillReport {
  alreadyDone: boolean;
  scanned: number;
  updated: number;
}

/**
 * The command line shared by the one-off migrations (`--table <TableName> [--force]`): runs
 * `backfill` with the caller's AWS credentials and region, or against a stand-in with
 * `DYNAMODB_ENDPOINT`, and prints its report; `updatedWhat` completes "N …".
 */
export async function runBackfill(
  script: string,
  backfill: (
    db: DynamoDBDocumentClient,
    tableName: string,
    options: { force: boolean },
  ) => Promise<BackfillReport>,
  updatedWhat: string,
): Promise<void> {
  const { values } = parseArgs({
    options: { table: { type: 'string' }, force: { type: 'boolean', default: false } },
  });
  if (!values.table) {
    console.error(`usage: npx tsx ${script} --table <TableName> [--force]`);
    process.exit(2);
  }
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const report = await backfill(createDocumentClient(endpoint ? { endpoint } : {}), values.table, {
    force: values.force,
  });
  console.log(
    report.alreadyDone
      ? 'Done before (a marker item says so); --force runs it again.'
      : `Read ${report.scanned} items; ${report.updated} ${updatedWhat}.`,
  );
}
