/**
 * The load-generating side of `npm run bench`, run in a worker thread so that its own work
 * (HTTP client, SDK client, checks) does not share the event loop of the system under test
 * (the local API on the main thread of bin/bench/phase.ts, dynalite on a thread of its own).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { benchAcknowledgements } from './acks';
import { benchClaims } from './claims';
import type { BenchContext } from './context';
import { benchExport } from './export';
import { createHttpClient } from './http-client';
import { benchIntake } from './intake';
import { benchQueuePage } from './queue-page';
import type { TargetResult } from './report';
import { readStoreCalls } from './store-call-counter';
import { createItemShaper, createStoreClient, createTicketFactory } from './store';
import type { WorkerInput, WorkerMessage } from './types';
import { benchWork } from './work';
import { benchServiceLevels } from './service-levels';
import { benchSales } from './sales';

async function main(input: WorkerInput): Promise<TargetResult[]> {
  const db = createStoreClient(input.dynamoDbEndpoint);
  const http = createHttpClient(input.apiUrl, 64);
  const context: BenchContext = {
    input,
    db,
    http,
    shape: createItemShaper(input.tableName),
    newTicket: createTicketFactory(20240601),
    targets: [],
    storeCalls: () => readStoreCalls(input.storeCounterUrl),
  };
  try {
    const only = new Set(input.config.only);
    for (const note of input.diagnostics) {
      console.log(`  DIAGNOSTICS (figures not comparable to the bench's): ${note}`);
    }
    if (only.has('claims')) await benchClaims(context);
    if (only.has('queue')) await benchQueuePage(context);
    if (only.has('intake')) await benchIntake(context);
    if (only.has('export')) await benchExport(context);
    if (only.has('work')) await benchWork(context);
    if (only.has('sla')) await benchServiceLevels(context);
    if (only.has('sales')) await benchSales(context);
    if (only.has('acks')) await benchAcknowledgements(context);
  } finally {
    http.close();
    db.destroy();
  }

  return context.targets;
}

const post = (message: WorkerMessage) => parentPort?.postMessage(message);
try {
  post({ type: 'done', targets: await main(workerData as WorkerInput) });
} catch (error) {
  post({
    type: 'error',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
}
