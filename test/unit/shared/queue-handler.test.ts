import { ChangeMessageVisibilityBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeliveryInProgressError, waitForHolder } from '../../../functions/app/deliver-mail';
import { isSesThrottling } from '../../../functions/jobs/mailer';
import {
  backoffSeconds,
  queueHandler,
  visibilityAfterFailure,
} from '../../../functions/shared/queue-handler';

const record = (id: string): SQSRecord =>
  ({
    messageId: id,
    receiptHandle: `handle-${id}`,
    body: '{}',
    attributes: { ApproximateReceiveCount: '1' },
    // No queue URL can be derived from this ARN: the backoff call is skipped.
    eventSourceARN: 'arn:aws:sqs:local',
  }) as unknown as SQSRecord;

const throttled = () =>
  Object.assign(new Error('Maximum sending rate exceeded.'), {
    name: 'TooManyRequestsException',
  });

const QUEUE_ARN = 'arn:aws:sqs:eu-central-1:000000000000:outbox';

/** A record of a queue whose URL is known, received `receiveCount` times. */
const queued = (id: string, receiveCount: number): SQSRecord =>
  ({
    ...record(id),
    attributes: { ApproximateReceiveCount: String(receiveCount) },
    eventSourceARN: QUEUE_ARN,
  }) as unknown as SQSRecord;

/** Catches the visibility changes the handler asks SQS for: receipt handle → seconds. */
function visibilityChanges(): Map<string, number> {
  const changes = new Map<string, number>();
  vi.stubEnv('QUEUE_URLS', JSON.stringify({ [QUEUE_ARN]: 'http://127.0.0.1:1/outbox' }));
  vi.stubEnv('QUEUE_BACKOFF_BASE_SECONDS', '10');
  vi.spyOn(SQSClient.prototype, 'send').mockImplementation((command: unknown) => {
    if (command instanceof ChangeMessageVisibilityBatchCommand) {
      for (const entry of command.input.Entries ?? []) {
        changes.set(entry.ReceiptHandle ?? '', entry.VisibilityTimeout ?? -1);
      }
    }
    return Promise.resolve({});
  });
  return changes;
}

describe('the queue handler', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('reports only the records that failed', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const handler = queueHandler('test', async (r) => {
      if (r.messageId === 'b') throw new Error('broken');
    });
    const result = await handler({ Records: ['a', 'b', 'c'].map(record) });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'b' }]);
  });

  it('fails the rest of the batch untried once the service throttles', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const tried: string[] = [];
    const handler = queueHandler(
      'test',
      async (r) => {
        tried.push(r.messageId);
        if (r.messageId === 'b') throw throttled();
      },
      { isThrottling: isSesThrottling },
    );
    const result = await handler({ Records: ['a', 'b', 'c', 'd'].map(record) });
    expect(tried).toEqual(['a', 'b']);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['b', 'c', 'd']);
  });

  it("recognises SES's throttling answers and nothing else", () => {
    expect(isSesThrottling(throttled())).toBe(true);
    expect(
      isSesThrottling(Object.assign(new Error('slow down'), { $retryable: { throttling: true } })),
    ).toBe(true);
    expect(isSesThrottling(new Error('Email address is not verified.'))).toBe(false);
    expect(isSesThrottling('TooManyRequestsException')).toBe(false);
  });

  it('backs a throttled batch off exponentially by receive count: 10 s, 20 s, 40 s …', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const changes = visibilityChanges();
    const handler = queueHandler(
      'test',
      async (r) => {
        if (r.messageId === 'a') throw throttled();
      },
      { isThrottling: isSesThrottling },
    );
    const result = await handler({ Records: [queued('a', 1), queued('b', 3)] });
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a', 'b']);
    expect(Object.fromEntries(changes)).toEqual({ 'handle-a': 10, 'handle-b': 40 });
  });

  it('keeps a mail another worker holds invisible until its lease has run out', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const changes = visibilityChanges();
    const handler = queueHandler('test', async (r) => {
      throw new DeliveryInProgressError(`${r.messageId} is being sent`, 125);
    });
    await handler({ Records: [queued('a', 1), queued('b', 4), queued('c', 6)] });
    // Never sooner than the lease (the receive would be spent), later only by the backoff.
    expect(Object.fromEntries(changes)).toEqual({
      'handle-a': 125,
      'handle-b': 125,
      'handle-c': backoffSeconds(6, 10),
    });
  });

  it('lets a mail whose worker crashed go out on its third receive, not its fifth', () => {
    vi.stubEnv('QUEUE_BACKOFF_BASE_SECONDS', '10');
    const lease = 120;
    // The crashed worker took the lease at 0 s on receive 1; the message is visible again
    // after the queue's visibility timeout (30 s locally). Each receive before the lease's
    // end finds it held; the receive after it sends.
    const sendingReceive = (honourLease: boolean) => {
      let at = 30;
      let receive = 2;
      while (at < lease) {
        const wait = honourLease ? waitForHolder(lease - at, lease) : undefined;
        at += visibilityAfterFailure(queued('a', receive), wait);
        receive++;
      }
      return receive;
    };
    // The backoff alone (20 + 40 + 80 s) reached the fifth receive, the last one.
    expect(sendingReceive(false)).toBe(5);
    expect(sendingReceive(true)).toBe(3);
  });
});
