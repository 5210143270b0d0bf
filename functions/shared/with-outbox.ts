import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsOutbox } from '../adapters/sqs-outbox';
import type { Outbox } from '../app/ports';
import { addPart } from './dependencies';
import { optional, required } from './config';
import { instrumented } from './instrumentation';

/**
 * `deps` with the outbox (`OUTBOX_QUEUE_URL`; `SQS_ENDPOINT` for the local stand-in). Only
 * functions that import this module bundle the SQS client.
 */
export function withOutbox<T extends object>(deps: T): T & { outbox: Outbox } {
  return addPart(deps, 'outbox', () => {
    const endpoint = optional('SQS_ENDPOINT');
    return new SqsOutbox(
      instrumented(new SQSClient(endpoint ? { endpoint } : {})),
      required('OUTBOX_QUEUE_URL'),
    );
  });
}
