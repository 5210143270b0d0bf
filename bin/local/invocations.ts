import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { InvokeStoreBase } from '@aws/lambda-invoke-store';

/**
 * The variable by which Lambda tells a runtime that one execution environment runs several
 * invocations at a time (Lambda Managed Instances). Powertools (logger keys, Lambda
 * context, log level, metrics) then keeps its per-invocation state in the runtime's
 * InvokeStore (`globalThis.awslambda.InvokeStore`), one store per invocation, instead of
 * in the instance.
 */
const MAX_CONCURRENCY_VARIABLE = 'AWS_LAMBDA_MAX_CONCURRENCY';

/** What the local stack announces: no limit of its own (the API takes what comes). */
const LOCAL_MAX_CONCURRENCY = 1000;

/**
 * The runtime's store for concurrent invocations: each invocation's values in an
 * AsyncLocalStorage of its own. Built here rather than taken from
 * `InvokeStore.getInstanceAsync(true)`: the AWS SDK's first request asks for the instance
 * without forcing it and the package caches what it made then, a single shared context,
 * in which the last invocation to start wins for all (the API's lines of one request
 * carried another's context).
 */
class ConcurrentInvokeStore extends InvokeStoreBase {
  private readonly storage = new AsyncLocalStorage<Record<string | symbol, unknown>>();

  getContext(): Record<string | symbol, unknown> | undefined {
    return this.storage.getStore();
  }

  hasContext(): boolean {
    return this.storage.getStore() !== undefined;
  }

  get<T = unknown>(key: string | symbol): T | undefined {
    return this.storage.getStore()?.[key] as T | undefined;
  }

  set<T = unknown>(key: string | symbol, value: T): void {
    if (this.isProtectedKey(key)) {
      throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    }
    const context = this.storage.getStore();
    if (!context) throw new Error('No context available');
    context[key] = value;
  }

  run<T>(context: Record<string | symbol, unknown>, fn: () => T): T {
    return this.storage.run(context, fn);
  }
}

let store: ConcurrentInvokeStore | undefined;

/**
 * Makes this thread run handlers the way Lambda's runtime does with several invocations
 * in one environment: locally the API answers many requests and the mailer works on
 * `LOCAL_MAILER_CONCURRENCY` batches at once on one event loop each, and with one shared
 * Powertools state a line of one batch carried the correlation id (and request id) that
 * another batch had set last (issue 12: `correlation_id` T-12453 on `ack.T-12442`).
 *
 * A worker thread inherits the variable with its environment and must call this too
 * (`globalThis` is per thread), before its handlers log: with the variable set and no
 * store, Powertools throws.
 */
export function enableConcurrentInvocations(): void {
  store ??= new ConcurrentInvokeStore();
  const lambda = ((globalThis as { awslambda?: { InvokeStore?: InvokeStoreBase } }).awslambda ??=
    {});
  lambda.InvokeStore = store;
  // Powertools reads only whether it is set; Lambda sets the environment's limit.
  process.env[MAX_CONCURRENCY_VARIABLE] ||= String(LOCAL_MAX_CONCURRENCY);
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
