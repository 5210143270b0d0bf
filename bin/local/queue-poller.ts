import { randomUUID } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { invoke } from './invocations';
import type { LocalQueue } from './sqs';

type QueueConsumer = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export interface QueuePoller {
  stop(): Promise<void>;
}

/**
 * Drives a queue consumer exactly as Lambda's SQS event source does: long-polls batches,
 * hands them over as an SQS event, deletes what succeeded, and leaves the reported
 * failures (or the whole batch, if the function throws) to come back after their
 * visibility timeout, until the queue's redrive policy moves them to the dead-letter queue.
 */
export function startQueuePoller(options: {
  sqs: SQSClient;
  queue: LocalQueue;
  consumer: () => Promise<QueueConsumer>;
  batchSize?: number;
  waitSeconds?: number;
  /**
   * Batches handled at a time, as Lambda runs several invocations of a queue's function
   * (its `maxConcurrency`). One alone waits behind every other request on this event loop
   * for each of its store calls, and so falls behind under load. @default 1
   */
  concurrency?: number;
}): QueuePoller {
  let running = true;
  const consumer = options.consumer();
  const loop = async () => {
    const consume = await consumer;
    while (running) {
      try {
        await pollOnce(options, consume);
      } catch (error) {
        if (running) {
          console.error(`queue poller ${options.queue.name}:`, (error as Error).message);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    }
  };
  const loops = Array.from({ length: Math.max(1, options.concurrency ?? 1) }, loop);
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function pollOnce(
  options: { sqs: SQSClient; queue: LocalQueue; batchSize?: number; waitSeconds?: number },
  consumer: QueueConsumer,
) {
  const { Messages = [] } = await options.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queue.url,
      MaxNumberOfMessages: options.batchSize ?? 10,
      WaitTimeSeconds: options.waitSeconds ?? 1,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  if (Messages.length === 0) return;
  const records: SQSRecord[] = Messages.map((m) => ({
    messageId: m.MessageId ?? randomUUID(),
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
      SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp:
        m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(m.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          stringValue: value.StringValue,
          dataType: value.DataType ?? 'String',
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: options.queue.arn,
    awsRegion: options.queue.arn.split(':')[3] ?? 'eu-central-1',
  }));
  let failed: Set<string>;
  try {
    const response = await invoke(() => consumer({ Records: records }));
    failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  } catch {
    return; // The whole batch comes back after its visibility timeout.
  }
  const done = records.filter((r) => !failed.has(r.messageId));
  if (done.length === 0) return;
  await options.sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: options.queue.url,
      Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
    }),
  );
}
