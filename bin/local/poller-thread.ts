import { parentPort, workerData } from 'node:worker_threads';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { LOCAL_CREDENTIALS } from './dynamodb';
import { enableConcurrentInvocations } from './invocations';
import { startQueuePoller } from './queue-poller';
import type { LocalQueue } from './sqs';

/** What the stack hands a poller thread. */
export interface PollerThreadData {
  queue: LocalQueue;
  /** Module (file URL) whose `handler` consumes the queue. */
  handlerModule: string;
  concurrency: number;
}

/**
 * A queue consumer on a thread of its own, as a Lambda function runs apart from the API's:
 * its store calls and sends do not wait behind the API's requests on one event loop.
 * The environment is the stack's (a worker starts with a copy of it).
 */
const data = workerData as PollerThreadData;
// Before the handler module (and Powertools) loads: this thread runs batches concurrently.
enableConcurrentInvocations();
const sqs = new SQSClient({
  endpoint: process.env.SQS_ENDPOINT,
  region: 'eu-central-1',
  credentials: LOCAL_CREDENTIALS,
});
const poller = startQueuePoller({
  sqs,
  queue: data.queue,
  concurrency: data.concurrency,
  consumer: async () =>
    (
      (await import(data.handlerModule)) as {
        handler: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
      }
    ).handler,
});
parentPort?.on('message', (message) => {
  if (message !== 'stop') return;
  void poller.stop().then(() => {
    sqs.destroy();
    parentPort?.postMessage('stopped');
  });
});
