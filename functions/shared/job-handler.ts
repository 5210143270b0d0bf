import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { correlate, inInvocation } from './log';
import { observability } from './observability';
import { tracing } from './tracing';

/**
 * Wraps a scheduled job (EventBridge Scheduler invokes it) in the same Powertools stack as
 * the queue consumers: logger context and correlation, metrics flushed at the end, an
 * X-Ray subsegment with its SDK calls. Its lines carry the invocation's request id, also
 * as their correlation id.
 */
export function jobHandler<E, R>(
  name: string,
  run: (event: E) => Promise<R>,
): (event?: E, context?: Context) => Promise<R> {
  const handler = middy<E, R, Error, Context>()
    .use(observability(name))
    // A job's run concerns no one ticket: its lines are correlated by the invocation.
    .use({ before: (request) => correlate(request.context.awsRequestId) })
    .use(tracing())
    .handler((event) => run(event));
  // The scheduler passes an event and a context; the local stack and tests may pass neither.
  return (event, context) => inInvocation(() => handler(event as E, context as Context));
}
