import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './log';
import { metrics } from './metrics';

/**
 * The Powertools middlewares every function's middy stack starts with: the Lambda context
 * on each log line (function, request id, cold start) with debug sampling refreshed per
 * invocation and the keys of one invocation (its correlation id) cleared after it, and
 * the invocation's metrics flushed as EMF at its end, also when it fails.
 */
export function observability(functionName: string): MiddlewareObj[] {
  return [
    lambdaContextOf(functionName),
    injectLambdaContext(logger, { resetKeys: true }) as MiddlewareObj,
    logMetrics(metrics) as MiddlewareObj,
  ];
}

/**
 * Locally the queue pollers and the scheduler call a handler with the event only, as
 * tests do; Powertools reads the context, so such a call gets a stand-in one.
 */
function lambdaContextOf(functionName: string): MiddlewareObj {
  return {
    before: (request) => {
      // middy makes an empty object of a missing context.
      if (!request.context?.functionName) request.context = localContext(functionName);
    },
  };
}

function localContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `local-${functionName}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `local:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `local/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
