import { InvokeStore } from '@aws/lambda-invoke-store';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { enableConcurrentInvocations, invoke } from '../../../bin/local/invocations';
import { correlate, log } from '../../../functions/shared/log';
import { queueHandler } from '../../../functions/shared/queue-handler';

/** The JSON lines the logger printed (LOG_FORMAT=json writes them through console.log). */
let printed: Record<string, unknown>[];

beforeAll(async () => {
  process.env.LOG_FORMAT = 'json';
  // As at the local stack's start: the AWS SDK's first request asks for the runtime's store
  // before the stack says that invocations run concurrently (it then made a shared one).
  await InvokeStore.getInstanceAsync();
  enableConcurrentInvocations();
});
afterAll(() => {
  delete process.env.LOG_FORMAT;
  delete process.env.AWS_LAMBDA_MAX_CONCURRENCY;
});
beforeEach(() => {
  printed = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    if (typeof line === 'string' && line.startsWith('{')) printed.push(JSON.parse(line));
  });
});
afterEach(() => vi.restoreAllMocks());

const BATCHES = 8;
const PER_BATCH = 10;

function batch(b: number): SQSRecord[] {
  return Array.from({ length: PER_BATCH }, (_, i) => {
    const ticketId = `T-${10_000 + b * PER_BATCH + i}`;
    return {
      messageId: `m-${b}-${i}`,
      receiptHandle: '',
      body: JSON.stringify({ eventId: `ack.${ticketId}`, ticketId }),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-central-1:000000000000:outbox',
      awsRegion: 'eu-central-1',
    };
  });
}

/** Like the mailer: names the ticket, waits for its store calls and SES, logs the outcome. */
const mailer = queueHandler('mailer', async (record) => {
  const { eventId, ticketId } = JSON.parse(record.body) as { eventId: string; ticketId: string };
  correlate(ticketId);
  // Uneven waits, so that the batches' messages interleave on the event loop.
  await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 5)));
  log('INFO', 'mail delivered', { eventId, outcome: 'sent' });
});

describe('local invocations run concurrently, each with its own log state (issue 12)', () => {
  it('gives every line of 8 concurrent batches its own ticket as correlation id', async () => {
    await Promise.all(
      Array.from({ length: BATCHES }, (_, b) => invoke(() => mailer({ Records: batch(b) }))),
    );
    const delivered = printed.filter((line) => line.message === 'mail delivered');
    expect(delivered).toHaveLength(BATCHES * PER_BATCH);
    for (const line of delivered) {
      expect(line.correlation_id).toBe(String(line.eventId).replace(/^ack\./, ''));
    }
    // Each batch is one invocation with a request id of its own, the same on all its lines.
    const requestOf = new Map<string, unknown>();
    for (const line of delivered) {
      const b = Math.floor((Number(String(line.eventId).slice(6)) - 10_000) / PER_BATCH);
      const seen = requestOf.get(String(b));
      if (seen === undefined) requestOf.set(String(b), line.function_request_id);
      else expect(line.function_request_id).toBe(seen);
    }
    expect(new Set(requestOf.values()).size).toBe(BATCHES);
  });

  it('drops an invocation’s correlation id when it ends, not another’s', async () => {
    await Promise.all([
      invoke(() => mailer({ Records: batch(0) })),
      invoke(async () => {
        // A short invocation that ends while the other still logs.
        correlate('T-99999');
        log('INFO', 'short');
      }),
    ]);
    const short = printed.find((line) => line.message === 'short');
    expect(short?.correlation_id).toBe('T-99999');
    for (const line of printed.filter((l) => l.message === 'mail delivered')) {
      expect(line.correlation_id).toBe(String(line.eventId).replace(/^ack\./, ''));
    }
    log('INFO', 'outside');
    expect(printed.find((line) => line.message === 'outside')?.correlation_id).toBeUndefined();
  });
});
