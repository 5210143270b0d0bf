import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  DeleteTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GLOBAL_SECONDARY_INDEXES } from '../../functions/adapters/table-design';
import { ensureTable, LOCAL_CREDENTIALS, startDynamoDb } from '../../bin/local/dynamodb';

/** Upgrading a local data folder whose table predates an index (`npm start` after a pull). */
describe('the local table across versions', () => {
  let server: Server;
  let endpoint: string;
  let client: DynamoDBClient;
  const folder = mkdtempSync(join(tmpdir(), 'servicedesk-local-table-'));

  beforeAll(async () => {
    server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new DynamoDBClient({ endpoint, region: 'local', credentials: LOCAL_CREDENTIALS });
  });
  afterAll(async () => {
    client?.destroy();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(folder, { recursive: true, force: true });
  });

  const indexNames = async (table: string) =>
    (
      (await client.send(new DescribeTableCommand({ TableName: table }))).Table
        ?.GlobalSecondaryIndexes ?? []
    )
      .map((index) => index.IndexName)
      .sort();
  const ticket = (id: string) => ({
    pk: { S: `TICKET#${id}` },
    sk: { S: 'TICKET' },
    subject: { S: `Kept ${id}` },
  });
  const read = async (table: string, id: string) =>
    (
      await client.send(
        new GetItemCommand({ TableName: table, Key: { pk: ticket(id).pk, sk: ticket(id).sk } }),
      )
    ).Item;

  it('rebuilds a table without the newest index in seconds, keeping every item', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: 'old',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    for (const id of ['T-1', 'T-2', 'T-3']) {
      await client.send(new PutItemCommand({ TableName: 'old', Item: ticket(id) }));
    }
    const backup = join(folder, 'old-rebuild.json');
    const started = Date.now();

    await ensureTable(endpoint, 'old', backup);

    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await indexNames('old')).toEqual(
      GLOBAL_SECONDARY_INDEXES.map((index) => index.indexName).sort(),
    );
    for (const id of ['T-1', 'T-2', 'T-3']) expect(await read('old', id)).toEqual(ticket(id));
    expect(existsSync(backup)).toBe(false);
  });

  it('finishes a rebuild that was interrupted after the table was dropped', async () => {
    // What Ctrl-C between dropping and refilling leaves: the items only in the backup.
    const backup = join(folder, 'cut-rebuild.json');
    writeFileSync(backup, JSON.stringify([ticket('T-7'), ticket('T-8')]));

    await ensureTable(endpoint, 'cut', backup);

    expect(await read('cut', 'T-7')).toEqual(ticket('T-7'));
    expect(await read('cut', 'T-8')).toEqual(ticket('T-8'));
    expect(existsSync(backup)).toBe(false);
  });

  it('lets go of the data folder when the table cannot be set up, so a retry can open it', async () => {
    const dataDir = join(folder, 'stand-in');
    const backup = `${dataDir}-rebuild.json`;
    writeFileSync(backup, 'not json: a backup cut off mid-write by a full disk');
    await expect(startDynamoDb({ port: 0, dataDir, tableName: 'broken' })).rejects.toThrow();

    rmSync(backup);
    const again = await startDynamoDb({ port: 0, dataDir, tableName: 'broken' });
    expect(again.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await again.close();
  });

  it('the stand-in answers item requests from a table replaced while it runs by the new one', async () => {
    // Its thread keeps table descriptions in memory for item requests (issue 12): a
    // description written since must be the one they use, else an index goes unwritten.
    const standIn = await startDynamoDb({
      port: 0,
      dataDir: join(folder, 'cached'),
      tableName: 'app',
    });
    const db = new DynamoDBClient({
      endpoint: standIn.endpoint,
      region: 'local',
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      const attribute = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
      const keys = {
        AttributeDefinitions: [attribute('pk'), attribute('sk')],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' as const },
          { AttributeName: 'sk', KeyType: 'RANGE' as const },
        ],
        BillingMode: 'PAY_PER_REQUEST' as const,
      };
      const wait = { client: db, maxWaitTime: 30, minDelay: 1, maxDelay: 1 };
      await db.send(new CreateTableCommand({ TableName: 'swapped', ...keys }));
      await waitUntilTableExists(wait, { TableName: 'swapped' });
      const item = { ...ticket('T-1'), tag: { S: 'kept' } };
      await db.send(new PutItemCommand({ TableName: 'swapped', Item: item }));
      await db.send(new DeleteTableCommand({ TableName: 'swapped' }));
      await waitUntilTableNotExists(wait, { TableName: 'swapped' });
      await db.send(
        new CreateTableCommand({
          TableName: 'swapped',
          ...keys,
          AttributeDefinitions: [...keys.AttributeDefinitions, attribute('tag')],
          GlobalSecondaryIndexes: [
            {
              IndexName: 'byTag',
              KeySchema: [{ AttributeName: 'tag', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
        }),
      );
      await waitUntilTableExists(wait, { TableName: 'swapped' });
      await db.send(new PutItemCommand({ TableName: 'swapped', Item: item }));
      const { Items } = await db.send(
        new QueryCommand({
          TableName: 'swapped',
          IndexName: 'byTag',
          KeyConditionExpression: 'tag = :tag',
          ExpressionAttributeValues: { ':tag': { S: 'kept' } },
        }),
      );
      expect(Items).toEqual([item]);
    } finally {
      db.destroy();
      await standIn.close();
    }
  });

  it('the stand-in lets LevelDB delete what it compacted: a Query leaves no iterator open', async () => {
    // An open iterator pins every table file it saw: with dynalite's Queries left open the
    // data folder (and the memory it maps) grew with every write, never with the data.
    const dataDir = join(folder, 'compacted');
    const standIn = await startDynamoDb({ port: 0, dataDir, tableName: 'app' });
    const db = new DynamoDBClient({
      endpoint: standIn.endpoint,
      region: 'local',
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      // 400 items of 8 KB (3.2 MB live), each written 15 times (48 MB), a Query between.
      for (let round = 0; round < 15; round++) {
        for (let first = 0; first < 400; first += 25) {
          await db.send(
            new BatchWriteItemCommand({
              RequestItems: {
                app: Array.from({ length: 25 }, (_, i) => ({
                  PutRequest: {
                    Item: {
                      pk: { S: 'P' },
                      sk: { S: String(first + i).padStart(4, '0') },
                      round: { N: String(round) },
                      // Random: LevelDB compresses its blocks, a repeated letter to nothing.
                      padding: { S: randomBytes(6_000).toString('base64') },
                    },
                  },
                })),
              },
            }),
          );
        }
        const { Items = [] } = await db.send(
          new QueryCommand({
            TableName: 'app',
            KeyConditionExpression: 'pk = :p',
            ExpressionAttributeValues: { ':p': { S: 'P' } },
            Limit: 10,
          }),
        );
        expect(Items).toHaveLength(10);
      }
      const bytes = readdirSync(dataDir).reduce(
        (sum, name) => sum + statSync(join(dataDir, name)).size,
        0,
      );
      // Live data, the write-ahead log and a level or two not yet compacted away.
      expect(bytes).toBeLessThan(24 * 2 ** 20);
    } finally {
      db.destroy();
      await standIn.close();
    }
  });
});
