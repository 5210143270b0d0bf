import { ChangeMessageVisibilityBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { integer, optional } from './config';
import { instrumented } from './instrumentation';
import { correlate, inInvocation, log } from './log';
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
      /** Failures that named when to retry them (seconds), by message id. */
      const retryAfter = new Map<string, number>();
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
          const after = retryAfterSecondsOf(error);
          if (after !== undefined) retryAfter.set(record.messageId, after);
          log('ERROR', `${name}: message failed`, {
            messageId: record.messageId,
            receiveCount: record.attributes.ApproximateReceiveCount,
            error: (error as Error).name,
            detail: (error as Error).message,
          });
        }
      }
      await backOff(failures, retryAfter);
      return { batchItemFailures: failures.map((r) => ({ itemIdentifier: r.messageId })) };
    });
  // Lambda passes its context; the local pollers and tests pass the event alone.
  return (event, context) => inInvocation(() => handler(event, context as Context));
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

/**
 * The seconds an error asks to wait before its message is retried (`retryAfterSeconds`,
 * e.g. another worker's lease on the same mail), if it names any.
 */
export function retryAfterSecondsOf(error: unknown): number | undefined {
  const value = (error as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
  return typeof value === 'number' && Number.isFinite(value) && value > 0
    ? Math.min(MAX_VISIBILITY_SECONDS, Math.ceil(value))
    : undefined;
}

/** SQS's longest visibility timeout: 12 hours. */
const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * The visibility timeout for a failed message: its exponential backoff, or longer when the
 * error said when a retry can succeed, so that no receive is spent (and none counts
 * towards the dead-letter queue) before then.
 */
export function visibilityAfterFailure(record: SQSRecord, retryAfterSeconds?: number): number {
  const backoff = backoffSeconds(Number(record.attributes.ApproximateReceiveCount));
  return Math.max(backoff, retryAfterSeconds ?? 0);
}

let sqs: SQSClient | undefined;

async function backOff(
  failures: SQSRecord[],
  retryAfter: ReadonlyMap<string, number>,
): Promise<void> {
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
          VisibilityTimeout: visibilityAfterFailure(record, retryAfter.get(record.messageId)),
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
