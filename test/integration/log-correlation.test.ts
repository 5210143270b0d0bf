import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TestStack } from './harness';

describe('log lines of concurrent invocations (issue 12)', () => {
  let api: TestStack;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    api = await TestStack.start();
    // The mailer thread's lines and the API's come out through this thread's console.
    const original = console.log.bind(console);
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      const [line] = args;
      if (typeof line === 'string' && line.startsWith('{')) {
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // Not one of the product's lines.
        }
      }
      original(...args);
    });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await api?.stop();
  });

  it('gives each acknowledgement line its own ticket as correlation id while batches run at once', async () => {
    const tickets = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        api.submit({ email: `correlation${i}@d${i % 6}.example`, subject: `Ticket ${i}` }),
      ),
    );
    await api.outboxIdle();
    const delivered = lines.filter((line) => line.message === 'mail delivered');
    const ids = new Set(tickets.map((t) => t.ticketId));
    const ours = delivered.filter((line) => ids.has(String(line.eventId).replace(/^ack\./, '')));
    // Every ticket's line at least (the sweeper may queue one a second time: a duplicate line).
    expect(new Set(ours.map((line) => line.eventId)).size).toBe(tickets.length);
    for (const line of ours) {
      expect(line.correlation_id).toBe(String(line.eventId).replace(/^ack\./, ''));
    }
    // Several batches ran (else the check above proves nothing about concurrency).
    expect(new Set(ours.map((line) => line.function_request_id)).size).toBeGreaterThan(1);
  });
});
