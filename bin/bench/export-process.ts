/**
 * The billing export alone in a process of its own, as the export function runs (one
 * Lambda process per export): started by export.ts with BENCH_EXPORT_JOB, it exports a
 * small month once (a warm function: code loaded, JIT warm, connection open), waits, then
 * exports the month while its RSS is sampled every 50 ms from a thread of its own, and
 * answers the figures over IPC. Only the product's code, the SDK client and the sampler live
 * here; the stand-in and the API stay in the scenario's process.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DynamoCustomerRepository } from '../../functions/adapters/customer-repository';
import { DynamoWorkEntryRepository } from '../../functions/adapters/work-entry-repository';
import { exportBilling, type ExportDeps } from '../../functions/app/export-billing';
import { type RssReading, startRssSampler } from './rss';
import { createStoreClient } from './store';

export interface ExportJob {
  endpoint: string;
  tableName: string;
  month: string;
  warmMonth: string;
}

export type ExportJobAnswer =
  | { ok: true; ms: number; bytes: number; digest: string; rss: RssReading }
  | { ok: false; error: string };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function consume(deps: ExportDeps, month: string) {
  const text = createHash('sha256');
  let bytes = 0;
  for await (const chunk of exportBilling(deps, month, 'csv')) {
    bytes += Buffer.byteLength(chunk);
    text.update(chunk);
  }
  return { bytes, digest: text.digest('hex') };
}

async function main(job: ExportJob): Promise<ExportJobAnswer> {
  const db = createStoreClient(job.endpoint);
  const deps: ExportDeps = {
    workEntries: new DynamoWorkEntryRepository(db, job.tableName),
    customers: new DynamoCustomerRepository(db, job.tableName),
  };
  try {
    await consume(deps, job.warmMonth);
    const rss = startRssSampler(50);
    await pause(1000);
    const window = rss.open();
    const started = performance.now();
    const result = await consume(deps, job.month);
    const ms = performance.now() - started;
    const reading = window.close();
    await rss.stop();
    return { ok: true, ms, ...result, rss: reading };
  } finally {
    db.destroy();
  }
}

// Orphaned (the scenario stopped): go.
process.once('disconnect', () => process.exit(1));
const answer = await main(JSON.parse(process.env.BENCH_EXPORT_JOB ?? '{}') as ExportJob).catch(
  (error: unknown): ExportJobAnswer => ({
    ok: false,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  }),
);
if (process.send) process.send(answer, () => process.exit(0));
else process.exit(answer.ok ? 0 : 1);
