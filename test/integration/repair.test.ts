import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../bin/local/dynamodb';
import { repairIndexes } from '../../bin/local/repair';
import { useStack } from './harness';

/** What dynalite can leave behind when it dies between writing an item and its index entries. */
describe('repairing the indexes after an unclean stop', () => {
  const { api, tokens } = useStack({ agent: { sub: 'alice', groups: ['agents'] } });
  let db: DynamoDBClient;

  beforeAll(async () => {
    db = new DynamoDBClient({
      endpoint: api.stack.dynamoDbEndpoint,
      region: 'local',
      credentials: LOCAL_CREDENTIALS,
    });
  });
  afterAll(async () => {
    db?.destroy();
  });

  const item = async (ticketId: string) => {
    const { Item } = await db.send(
      new GetItemCommand({
        TableName: api.stack.tableName,
        Key: { pk: { S: `TICKET#${ticketId}` }, sk: { S: 'TICKET' } },
      }),
    );
    if (!Item) throw new Error(`${ticketId} is not stored`);
    return Item;
  };
  const put = (Item: Awaited<ReturnType<typeof item>>) =>
    db.send(new PutItemCommand({ TableName: api.stack.tableName, Item }));

  it('puts an open ticket back in the queue and takes a held one out, from their status', async () => {
    const waiting = await api.submit({ subject: 'lost from the queue' });
    const claimed = await api.submit({ subject: 'claimed, still listed' });
    await api.outboxIdle();
    const held = await api.request('PATCH', `/tickets/${claimed.ticketId}`, {
      token: tokens.agent,
      body: { status: 'in_progress' },
    });
    expect(held.status).toBe(200);

    // The open ticket loses its queue entry; the held one gets a queue entry back.
    const { queuePk: _pk, queueSk: _sk, ...withoutQueue } = await item(waiting.ticketId);
    await put(withoutQueue);
    const heldItem = await item(claimed.ticketId);
    await put({ ...heldItem, queuePk: { S: 'QUEUE#0' }, queueSk: { S: '0' } });
    const before = (await api.queue(tokens.agent)).map((t) => t.ticketId);
    expect(before).not.toContain(waiting.ticketId);
    expect(before).toContain(claimed.ticketId);

    const report = await repairIndexes(api.stack.dynamoDbEndpoint, api.stack.tableName);
    expect(report.correctedTickets).toBe(2);

    const after = (await api.queue(tokens.agent)).map((t) => t.ticketId);
    expect(after).toContain(waiting.ticketId);
    expect(after).not.toContain(claimed.ticketId);
    const mine = await api.request('GET', '/tickets?assignee=me', { token: tokens.agent });
    expect((mine.json.items as { ticketId: string }[]).map((t) => t.ticketId)).toContain(
      claimed.ticketId,
    );
    // A second run finds nothing left to do.
    expect(await repairIndexes(api.stack.dynamoDbEndpoint, api.stack.tableName)).toMatchObject({
      missingEntries: 0,
      staleEntries: 0,
      correctedTickets: 0,
    });
  });
});
