import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';
import { METRICS_SERVICE } from '../domain/metric-names';
import { instrumentClientsWith } from './instrumentation';

/**
 * Powertools Tracer (X-Ray): a subsegment per invocation and, through
 * {@link instrumentClientsWith}, one per AWS SDK call of the clients built after this
 * module was loaded. Outside Lambda it does nothing. Neither responses nor errors are
 * recorded in the trace (`captureResponse: false`, `POWERTOOLS_TRACER_CAPTURE_ERROR=false`
 * set by the stack): they can hold a customer's words, and traces are not scrubbed.
 */
export const tracer: Tracer = new Tracer({ serviceName: METRICS_SERVICE });

instrumentClientsWith((client) => tracer.captureAWSv3Client(client));

/** The middy middleware that opens and closes the invocation's subsegment. */
export function tracing(): MiddlewareObj {
  return captureLambdaHandler(tracer, { captureResponse: false }) as MiddlewareObj;
}
