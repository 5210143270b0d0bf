import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoAllowances } from '../../functions/adapters/allowances';
import { createDocumentClient } from '../../functions/adapters/dynamodb';
import { keys } from '../../functions/adapters/table-design';
import { useStack } from './harness';

describe('contract allowances in the DynamoDB stand-in', () => {
  const { api } = useStack();
  let now = new Date('2026-05-04T08:00:00.000Z');
  const clock = { now: () => now };

  const client = () =>
    createDocumentClient({ endpoint: api.stack.dynamoDbEndpoint, region: 'eu-central-1' });

  it('answers a retry the same, writes nothing once used up, and forgets entries after a day', async () => {
    const db = client();
    const allowances = new DynamoAllowances(db, api.stack.tableName, clock);
    expect(await allowances.consume('acme', '2026-05', 'W1', 40, 100)).toBe(40);
    expect(await allowances.consume('acme', '2026-05', 'W1', 40, 100)).toBe(40);
    expect(await allowances.consume('acme', '2026-05', 'W2', 80, 100)).toBe(60);
    expect(await allowances.consume('acme', '2026-05', 'W3', 10, 100)).toBe(0);
    const read = async () =>
      (
        await db.send(
          new GetCommand({
            TableName: api.stack.tableName,
            Key: keys.allowance('acme', '2026-05'),
          }),
        )
      ).Item as { usedMinutes: number; consumed: Record<string, number> };
    expect(await read()).toMatchObject({ usedMinutes: 100, consumed: { W1: 40, W2: 60 } });
    expect((await read()).consumed).not.toHaveProperty('W3');

    // Two days later (the contract now includes more), a new entry in this month drops the
    // records older than a day, and what was used stays counted.
    now = new Date('2026-05-06T08:00:00.000Z');
    const bigger = new DynamoAllowances(db, api.stack.tableName, clock);
    expect(await bigger.consume('acme', '2026-05', 'W4', 10, 200)).toBe(10);
    const after = await read();
    expect(after.usedMinutes).toBe(110);
    expect(Object.keys(after.consumed)).toEqual(['W4']);
    db.destroy();
  });

  it('never gives minutes twice when several instances take from one allowance at once', async () => {
    const db = client();
    // Four instances, each guessing from what it took last; five entries each, at once.
    const instances = [1, 2, 3, 4].map(() => new DynamoAllowances(db, api.stack.tableName, clock));
    const taken = await Promise.all(
      instances.flatMap((allowances, i) =>
        [1, 2, 3, 4, 5].map((n) =>
          allowances.consume('race', '2026-05', `W${i}-${n}`, 30, 500, true),
        ),
      ),
    );
    expect(taken.reduce((sum, minutes) => sum + minutes, 0)).toBe(500);
    expect(taken.filter((minutes) => minutes === 30)).toHaveLength(16);

    // A guess gone stale (another instance took since) costs a failed write, not minutes.
    const [first, second] = instances as [DynamoAllowances, DynamoAllowances];
    const more = 'more';
    expect(await first.consume(more, '2026-05', 'A1', 100, 300, true)).toBe(100);
    expect(await second.consume(more, '2026-05', 'B1', 150, 300, true)).toBe(150);
    expect(await first.consume(more, '2026-05', 'A2', 100, 300, true)).toBe(50);
    // Used up as this instance knows it: a new entry gets nothing, a retry finds its take.
    expect(await first.consume(more, '2026-05', 'A3', 10, 300, true)).toBe(0);
    expect(await first.consume(more, '2026-05', 'A2', 100, 300)).toBe(50);
    const { Item } = await db.send(
      new GetCommand({ TableName: api.stack.tableName, Key: keys.allowance(more, '2026-05') }),
    );
    expect(Item).toMatchObject({ usedMinutes: 300, consumed: { A1: 100, B1: 150, A2: 50 } });
    db.destroy();
  });

  it('reads the item at least every 5 s on a busy instance, which is what prunes old records', async () => {
    const db = client();
    let reads = 0;
    const counting = {
      send: (command: Parameters<typeof db.send>[0]) => {
        if (command instanceof GetCommand) reads++;
        return db.send(command);
      },
    } as unknown as typeof db;
    let at = Date.parse('2026-05-10T08:00:00.000Z');
    const busy = new DynamoAllowances(counting, api.stack.tableName, { now: () => new Date(at) });

    expect(await busy.consume('busy', '2026-05', 'B1', 10, 1000, true)).toBe(10);
    expect(reads).toBe(1);
    at += 2_000;
    expect(await busy.consume('busy', '2026-05', 'B2', 10, 1000, true)).toBe(10);
    at += 2_000;
    expect(await busy.consume('busy', '2026-05', 'B3', 10, 1000, true)).toBe(10);
    // Written twice from guesses, but the last read is now 4 s old: still guessing.
    expect(reads).toBe(1);
    at += 1_000;
    expect(await busy.consume('busy', '2026-05', 'B4', 10, 1000, true)).toBe(10);
    expect(reads).toBe(2);
    db.destroy();
  });
});
