import { randomUUID } from 'node:crypto';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';

/**
 * The variable by which Lambda tells a runtime that one execution environment runs several
 * invocations at a time (Lambda Managed Instances). Powertools (logger keys, Lambda
 * context, log level, metrics) then keeps its per-invocation state in the runtime's
 * InvokeStore, one store per invocation, instead of in the instance.
 */
const MAX_CONCURRENCY_VARIABLE = 'AWS_LAMBDA_MAX_CONCURRENCY';

/** What the local stack announces: no limit of its own (the API takes what comes). */
const LOCAL_MAX_CONCURRENCY = 1000;

let store: InvokeStoreBase | undefined;

/**
 * Makes this thread run handlers the way Lambda's runtime does with several invocations
 * in one environment: locally the API answers many requests and the mailer works on
 * `LOCAL_MAILER_CONCURRENCY` batches at once on one event loop each, and with one shared
 * Powertools state a line of one batch carried the correlation id (and request id) that
 * another batch had set last (issue 12: `correlation_id` T-12453 on `ack.T-12442`).
 *
 * Call it before the first Powertools use on the thread: with the variable set and no
 * store, Powertools throws. A worker thread inherits the variable with its environment and
 * must call it too (`globalThis` is per thread).
 */
export async function enableConcurrentInvocations(): Promise<void> {
  // Powertools reads only whether it is set; Lambda sets the environment's limit.
  process.env[MAX_CONCURRENCY_VARIABLE] ||= String(LOCAL_MAX_CONCURRENCY);
  store = await InvokeStore.getInstanceAsync(true);
}

/**
 * Runs one invocation of a handler in a store of its own (with its request id, as the
 * runtime sets it), so that what it sets for its log lines and metrics stays its own.
 * Before {@link enableConcurrentInvocations} (unit tests driving a poller) it just runs.
 */
export function invoke<T>(handler: () => Promise<T>, requestId: string = randomUUID()): Promise<T> {
  if (!store) return handler();
  // The request id is a protected key: only `run` may set it, as the runtime does.
  return store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: requestId }, handler);
}
