import type { SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isSesThrottling } from '../../../functions/jobs/mailer';
import { queueHandler } from '../../../functions/shared/queue-handler';

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

describe('the queue handler', () => {
  afterEach(() => vi.restoreAllMocks());

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
});
