import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoQueueCounters } from '../../../functions/adapters/queue-counters';
import { FakeClock } from '../fakes';

interface Sent {
  name: string;
  input: {
    Key?: { sk?: string };
    UpdateExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  };
}

/** A stand-in client whose writes answer only when the test lets them. */
function heldClient() {
  const sent: Sent[] = [];
  const answers: (() => void)[] = [];
  const db = {
    send: (command: { constructor: { name: string }; input: Sent['input'] }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      return new Promise((resolve) => answers.push(() => resolve({})));
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, sent, answerAll: () => answers.splice(0).forEach((answer) => answer()) };
}

/** What one UpdateItem adds, by attribute name. */
function added(update: Sent): Record<string, number> {
  const names = update.input.ExpressionAttributeNames ?? {};
  const values = update.input.ExpressionAttributeValues ?? {};
  const adds = /^ADD (.*) SET/.exec(update.input.UpdateExpression ?? '')?.[1] ?? '';
  return Object.fromEntries(
    adds.split(', ').map((pair) => {
      const [name, value] = pair.split(' ') as [string, string];
      return [names[name] ?? name, Number(values[value])];
    }),
  );
}

/** One branch: the changes of one bucket gather while a write to it is in flight. */
describe('DynamoQueueCounters: one write per bucket at a time', () => {
  const key = (hour: string) => `2#3#2026-05-04T${hour}:00:00.000Z#T-1`;

  it('sends a lone change at once, and the changes made meanwhile as one write after it', async () => {
    const { db, sent, answerAll } = heldClient();
    const counters = new DynamoQueueCounters(db, 'table', new FakeClock('2026-05-04T09:00:00Z'));
    const first = counters.moved(key('09'), undefined);
    await Promise.resolve();
    await Promise.resolve();
    expect(sent).toHaveLength(1);
    expect(added(sent[0] as Sent)).toEqual({ n: -1, h09: -1, v: 1 });

    // Five more changes of the same day bucket while the first write is out.
    const later = [
      counters.moved(key('09'), undefined),
      counters.moved(key('09'), undefined),
      counters.moved(undefined, key('10')),
      counters.moved(key('10'), undefined),
      counters.moved(undefined, key('11')),
    ];
    await Promise.resolve();
    expect(sent).toHaveLength(1);
    answerAll();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toHaveLength(2);
    // The +1 and −1 of hour 10 cancel out and are not sent; the sum is exact.
    expect(added(sent[1] as Sent)).toEqual({ n: -1, h09: -2, h11: 1, v: 1 });
    answerAll();
    await Promise.all(later);
    expect(sent).toHaveLength(2);
  });

  it('writes different buckets independently', async () => {
    const { db, sent, answerAll } = heldClient();
    const counters = new DynamoQueueCounters(db, 'table', new FakeClock('2026-05-04T09:00:00Z'));
    const moves = [
      counters.moved(undefined, '1#1#2026-05-04T09:00:00.000Z#T-2'),
      counters.moved(undefined, '2#4#2026-05-03T09:00:00.000Z#T-3'),
    ];
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent.map((s) => s.input.Key?.sk).sort()).toEqual(['1#1#2026-05-04', '2#4#2026-05-03']);
    answerAll();
    await Promise.all(moves);
  });
});
