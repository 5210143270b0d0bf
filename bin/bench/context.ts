import { performance } from 'node:perf_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StoredTicket } from '../../functions/app/ports';
import { DynamoQueueCounters } from '../../functions/adapters/queue-counters';
import type { HttpClient } from './http-client';
import type { TargetResult } from './report';
import { batchWrite, type Item } from './store';
import { describeStoreCalls, type StoreCallCounts } from './store-call-counter';
import type { WorkerInput } from './types';

/** What every scenario works with. */
export interface BenchContext {
  input: WorkerInput;
  /** Document client for the raw store operations and for seeding. */
  db: DynamoDBDocumentClient;
  http: HttpClient;
  /** The product's item for a ticket (see createItemShaper). */
  shape(ticket: StoredTicket): Promise<Item>;
  newTicket(): StoredTicket;
  targets: TargetResult[];
  /** The product's store calls so far, in diagnostics mode (BENCH_COUNT_STORE_CALLS=1). */
  storeCalls(): Promise<StoreCallCounts | undefined>;
}

export interface Seeded {
  tickets: StoredTicket[];
  ms: number;
}

/**
 * Seeds `n` waiting tickets through BatchWriteItem; only the writes are timed. Seeding
 * bypasses the product's writes, so the queue's bucket counters are then derived afresh
 * from the queue index (untimed), as the local stack does at start.
 */
export async function seedWaiting(context: BenchContext, n: number): Promise<Seeded> {
  const tickets = Array.from({ length: n }, () => context.newTicket());
  const items = await Promise.all(tickets.map((ticket) => context.shape(ticket)));
  const started = performance.now();
  await batchWrite(
    context.db,
    context.input.tableName,
    items,
    context.input.config.seedConcurrency,
  );
  const ms = performance.now() - started;
  await queueCounters(context).rebuild();
  return { tickets, ms };
}

/** The product's queue counters on the bench's client. */
export function queueCounters(context: BenchContext): DynamoQueueCounters {
  return new DynamoQueueCounters(context.db, context.input.tableName, { now: () => new Date() });
}

/**
 * A pause before a timed run, so that LevelDB's compaction of the writes just made (seeding,
 * the previous run, the mailer's) does not land in the next run.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 2000));
}

export function fail(message: string): never {
  throw new Error(message);
}

/** Runs `work` and, in diagnostics mode, says which store calls the product made per op. */
export async function countingStoreCalls<T>(
  context: BenchContext,
  label: string,
  work: () => Promise<T>,
  opsOf: (result: T) => number,
): Promise<T> {
  const before = await context.storeCalls();
  const result = await work();
  const after = await context.storeCalls();
  if (before && after) {
    const ops = opsOf(result);
    console.log(`  store calls per ${label} (${ops}): ${describeStoreCalls(before, after, ops)}`);
  }
  return result;
}
