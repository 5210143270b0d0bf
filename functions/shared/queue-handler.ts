import { ChangeMessageVisibilityBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { integer, optional } from './config';
import { instrumented } from './instrumentation';
import { correlate, log } from './log';
import { observability } from './observability';
import { tracing } from './tracing';

/**
 * Wraps a per-message function as an SQS consumer with partial batch failures: a message
 * that fails is reported alone and retried later with exponential backoff (its visibility
 * timeout is stretched), the others are done. After the queue's maxReceiveCount a failing
 * message moves to the dead-letter queue, where an alarm sees it: nothing is lost silently.
 */
export function queueHandler(
  name: string,
  processRecord: (record: SQSRecord) => Promise<void>,
  options: {
    /**
     * Whether an error means the downstream service throttles us: the rest of the batch is
     * then failed untried, to come back after its backoff instead of adding to the load.
     */
    isThrottling?: (error: unknown) => boolean;
  } = {},
): (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse> {
  const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(observability(name))
    .use(tracing())
    .handler(async (event) => {
      const failures: SQSRecord[] = [];
      let throttled = false;
      for (const record of event.Records) {
        if (throttled) {
          failures.push(record);
          continue;
        }
        // Each message's lines carry its id until processRecord names its ticket.
        correlate(record.messageId);
        try {
          await processRecord(record);
        } catch (error) {
          throttled = options.isThrottling?.(error) ?? false;
          failures.push(record);
          log('ERROR', `${name}: message failed`, {
            messageId: record.messageId,
            receiveCount: record.attributes.ApproximateReceiveCount,
            error: (error as Error).name,
            detail: (error as Error).message,
          });
        }
      }
      await backOff(failures);
      return { batchItemFailures: failures.map((r) => ({ itemIdentifier: r.messageId })) };
    });
  // Lambda passes its context; the local pollers and tests pass the event alone.
  return (event, context) => handler(event, context as Context);
}

/**
 * 10 s, 20 s, 40 s … capped at 15 minutes, by how often the message was received.
 * `QUEUE_BACKOFF_BASE_SECONDS` changes the first step (tests use 0).
 */
export function backoffSeconds(
  receiveCount: number,
  base = integer('QUEUE_BACKOFF_BASE_SECONDS', 10),
): number {
  return Math.min(900, base * 2 ** Math.max(0, receiveCount - 1));
}

let sqs: SQSClient | undefined;

async function backOff(failures: SQSRecord[]): Promise<void> {
  const first = failures[0];
  const queueUrl = first && queueUrlOf(first.eventSourceARN);
  if (!first || !queueUrl) return;
  const endpoint = optional('SQS_ENDPOINT');
  sqs ??= instrumented(new SQSClient(endpoint ? { endpoint } : {}));
  try {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: failures.map((record, i) => ({
          Id: String(i),
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: backoffSeconds(Number(record.attributes.ApproximateReceiveCount)),
        })),
      }),
    );
  } catch (error) {
    // Backoff is an optimisation: without it the message is retried after the queue's
    // visibility timeout.
    log('WARN', 'backoff not set', { detail: (error as Error).message });
  }
}

/** The queue URL for a queue ARN: from QUEUE_URLS (JSON: arn → url), else derived. */
function queueUrlOf(arn: string): string | undefined {
  const configured = optional('QUEUE_URLS');
  if (configured) return (JSON.parse(configured) as Record<string, string>)[arn];
  const [, , , region, account, name] = arn.split(':');
  if (!region || !account || !name) return undefined;
  return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
}
