import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamodb';
import { DynamoRateLimiter, EXACT_UP_TO } from '../../functions/adapters/rate-limiter';
import { keys } from '../../functions/adapters/table-design';
import { useStack } from './harness';

/**
 * The sliding-window limits against the DynamoDB stand-in: most counts are one conditional
 * UpdateItem, a full window is pruned by a read and a versioned write, and however the two
 * interleave, no window ever lets more than its limit through.
 */
describe('sliding-window rate limits in the DynamoDB stand-in', () => {
  const { api } = useStack();
  let now = Date.parse('2026-05-04T08:00:00.000Z');
  const clock = { now: () => new Date(now) };
  const HOUR = 3600;

  const limiter = () => {
    const db = createDocumentClient({
      endpoint: api.stack.dynamoDbEndpoint,
      region: 'eu-central-1',
    });
    return { db, limits: new DynamoRateLimiter(db, api.stack.tableName, clock) };
  };

  it('lets exactly max different users through when 40 count at once on one key', async () => {
    const { db, limits } = limiter();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => limits.tryConsume('race:one', `event-${i}`, 10, HOUR)),
    );
    expect(results.filter(Boolean)).toHaveLength(10);
    db.destroy();
  });

  it('counts a user once however often it retries, also when the window is full', async () => {
    const { db, limits } = limiter();
    expect(await limits.tryConsume('retry:one', 'a', 2, HOUR)).toBe(true);
    expect(await limits.tryConsume('retry:one', 'a', 2, HOUR)).toBe(true);
    expect(await limits.tryConsume('retry:one', 'b', 2, HOUR)).toBe(true);
    expect(await limits.tryConsume('retry:one', 'c', 2, HOUR)).toBe(false);
    // a and b were counted: their retries still pass, the limit is not used up twice.
    expect(await limits.tryConsume('retry:one', 'a', 2, HOUR)).toBe(true);
    expect(await limits.tryConsume('retry:one', 'b', 2, HOUR)).toBe(true);
    expect(await limits.tryConsume('retry:one', 'c', 2, HOUR)).toBe(false);
    db.destroy();
  });

  it('slides: a count leaves the window an hour after it was made, not at the full hour', async () => {
    const { db, limits } = limiter();
    expect(await limits.tryConsume('slide:one', 'a', 2, HOUR)).toBe(true);
    now += 30 * 60_000;
    expect(await limits.tryConsume('slide:one', 'b', 2, HOUR)).toBe(true);
    now += 29 * 60_000;
    expect(await limits.tryConsume('slide:one', 'c', 2, HOUR)).toBe(false);
    now += 61_000; // a is 60 min 1 s old, b 30 min 1 s
    expect(await limits.tryConsume('slide:one', 'c', 2, HOUR)).toBe(true);
    expect(await limits.tryConsume('slide:one', 'd', 2, HOUR)).toBe(false);
    db.destroy();
  });

  it(`counts a limit above ${EXACT_UP_TO} per minute, in an item that stays small`, async () => {
    const { db, limits } = limiter();
    const max = EXACT_UP_TO + 1;
    const count = async (n: number, prefix: string) => {
      const results: boolean[] = [];
      for (let i = 0; i < n; i += 50) {
        results.push(
          ...(await Promise.all(
            Array.from({ length: Math.min(50, n - i) }, (_, k) =>
              limits.tryConsume('big:one', `${prefix}-${i + k}`, max, HOUR),
            ),
          )),
        );
      }
      return results;
    };
    const first = await count(max + 1, 'a');
    expect(first.filter((ok) => !ok)).toHaveLength(1);
    // Still refused 59 minutes on; the minute the counts were made has left the window after
    // 61 minutes (it counts whole while any of it is in the window).
    now += 59 * 60_000;
    expect(await limits.tryConsume('big:one', 'b', max, HOUR)).toBe(false);
    now += 2 * 60_000;
    expect(await limits.tryConsume('big:one', 'c', max, HOUR)).toBe(true);
    const { Item } = await db.send(
      new GetCommand({
        TableName: api.stack.tableName,
        Key: keys.rateLimit('big:one'),
        ConsistentRead: true,
      }),
    );
    // The first minute's 1,002 counts are gone; what is left is a few counters.
    const counters = Object.keys(Item ?? {}).filter((name) => name.startsWith('m:'));
    expect(counters).toHaveLength(2);
    expect(JSON.stringify(Item).length).toBeLessThan(500);
    db.destroy();
  });

  it('reads a window written before issue 12 (users in a `hits` map) and keeps its counts', async () => {
    const { db, limits } = limiter();
    await db.send(
      new PutCommand({
        TableName: api.stack.tableName,
        Item: {
          ...keys.rateLimit('legacy:one'),
          entity: 'rate-limit',
          hits: { a: now - 1000, b: now - 2000 },
          version: 7,
        },
      }),
    );
    expect(await limits.tryConsume('legacy:one', 'a', 3, HOUR)).toBe(true);
    expect(await limits.tryConsume('legacy:one', 'c', 3, HOUR)).toBe(true);
    expect(await limits.tryConsume('legacy:one', 'd', 3, HOUR)).toBe(false);
    expect(await limits.tryConsume('legacy:one', 'b', 3, HOUR)).toBe(true);
    db.destroy();
  });
});
