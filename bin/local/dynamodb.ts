import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type AttributeValue,
  BatchWriteItemCommand,
  DeleteTableCommand,
  ResourceInUseException,
  ScanCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import { GLOBAL_SECONDARY_INDEXES, TABLE_KEYS } from '../../functions/adapters/table-design';

/**
 * The DynamoDB stand-in: dynalite, speaking DynamoDB's JSON protocol, state on disk. It runs
 * on a thread of its own, as DynamoDB runs on machines of its own: the store's work does not
 * wait behind the API's handlers on one event loop, nor theirs behind it.
 */
export interface LocalDynamoDb {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * The thread's code: plain CommonJS, so that it needs no TypeScript loader.
 *
 * dynalite reads and decodes the table's description from LevelDB for every item request
 * (getItem, putItem, updateItem, query, …): a seventh of its CPU under the mailer's load,
 * and one thread serves every store call of the stack (issue 12). The item requests here
 * take it from memory instead, dropped whenever dynalite writes a table description
 * (create, update, delete: those, and describeTable, still read it from disk).
 *
 * dynalite 4 reads a Query or Scan through a stream over a LevelDB iterator and, to close
 * it, calls the iterator's `return()`, which abstract-level 3's iterators lack (they have
 * `close()`): every Query stayed open with its snapshot until the database closed. Open
 * iterators pin every table file and memtable they saw, so LevelDB could delete nothing it
 * compacted: the data folder and the process's memory grew by ~100 KB per ticket for as
 * long as the stack ran (issue 12's soak: 594 → 3,550 MiB). Here `return()` closes them.
 */
const STAND_IN_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const levelRequire = createRequire(createRequire(workerData.dynalite).resolve('classic-level'));
const level = levelRequire('abstract-level');
for (const Iterator of [level.AbstractIterator, level.AbstractKeyIterator, level.AbstractValueIterator]) {
  if (typeof Iterator.prototype.return !== 'function') {
    Iterator.prototype.return = function () {
      return this.close().then(() => ({ done: true, value: undefined }));
    };
  }
}
const storeModule = require(workerData.dynaliteStore);
const createStore = storeModule.create;
storeModule.create = (options) => {
  const store = createStore(options);
  const getTable = store.getTable;
  const tables = new Map();
  let generation = 0;
  for (const method of ['put', 'del', 'batch']) {
    const write = store.tableDb[method];
    store.tableDb[method] = function (...args) {
      generation++;
      tables.clear();
      return write.apply(this, args);
    };
  }
  store.getTable = (name, checkStatus, cb) => {
    // An item request passes its callback second: it wants an ACTIVE or UPDATING table.
    if (typeof checkStatus !== 'function') return getTable(name, checkStatus, cb);
    const known = tables.get(name);
    if (known) return process.nextTick(checkStatus, null, known);
    const read = generation;
    getTable(name, (err, table) => {
      // Not if a description was written while this one was read: it may be the older.
      if (!err && read === generation && table.TableStatus === 'ACTIVE') tables.set(name, table);
      checkStatus(err, table);
    });
  };
  return store;
};
const dynalite = require(workerData.dynalite);
const server = dynalite({ path: workerData.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.once('error', (error) => parentPort.postMessage({ error: error.message }));
server.listen(workerData.port, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message === 'close') server.close(() => parentPort.postMessage({ closed: true }));
});
`;

export async function startDynamoDb(options: {
  port: number;
  dataDir: string;
  tableName: string;
}): Promise<LocalDynamoDb> {
  mkdirSync(options.dataDir, { recursive: true });
  const thread = new Worker(STAND_IN_THREAD, {
    eval: true,
    workerData: {
      dynalite: createRequire(import.meta.url).resolve('dynalite'),
      dynaliteStore: createRequire(import.meta.url).resolve('dynalite/db'),
      path: options.dataDir,
      port: options.port,
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`the DynamoDB stand-in exited with ${code}`)));
    thread.once('message', (message: { port?: number; error?: string }) =>
      message.port ? resolve(message.port) : reject(new Error(message.error)),
    );
  }).catch(async (error: unknown) => {
    await thread.terminate();
    throw error;
  });
  thread.removeAllListeners('exit');
  thread.removeAllListeners('error');
  thread.removeAllListeners('message');
  // Without its store the API can only fail: say so loudly rather than answer 500s quietly.
  let running = true;
  const stopped = (why: string) =>
    console.error(`The DynamoDB stand-in stopped (${why}); restart npm start.`);
  thread.on('error', (error) => stopped(error.message));
  thread.on('message', (message: { error?: string }) => message.error && stopped(message.error));
  const ended = new Promise<void>((done) =>
    thread.once('exit', () => {
      running = false;
      done();
    }),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await ensureTable(endpoint, options.tableName, `${resolve(options.dataDir)}-rebuild.json`);
  } catch (error) {
    await thread.terminate();
    throw error;
  }
  return {
    endpoint,
    // Closing the server closes the database, so the data folder can be opened again.
    close: async () => {
      // A thread that already ended (it crashed) has nothing left to close.
      if (!running) return;
      const closed = new Promise<void>((done) =>
        thread.on('message', (message: { closed?: boolean }) => message.closed && done()),
      );
      thread.postMessage('close');
      await Promise.race([closed, ended]);
      await thread.terminate();
    },
  };
}

/**
 * Creates the table from the same design the CDK stack uses, unless it exists. A data
 * folder from an older version may lack indexes added since; dynalite cannot add an index
 * to a table, so the table is rebuilt with its items (local data is small). The items are
 * first saved to `backupFile`, and a rebuild that was interrupted (Ctrl-C between dropping
 * and refilling the table) is finished from it at the next start, so no item is lost.
 */
export async function ensureTable(
  endpoint: string,
  tableName: string,
  backupFile: string,
): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: LOCAL_CREDENTIALS });
  try {
    await createTable(client, tableName);
    if (existsSync(backupFile)) {
      const items = JSON.parse(readFileSync(backupFile, 'utf8')) as Item[];
      await putAll(client, tableName, items);
      rmSync(backupFile);
      console.log(`Local table ${tableName}: an interrupted rebuild was finished.`);
    }
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    if (GLOBAL_SECONDARY_INDEXES.some((index) => !present.has(index.indexName))) {
      await rebuildTable(client, tableName, backupFile);
    }
  } finally {
    client.destroy();
  }
}

type Item = Record<string, AttributeValue>;

/** dynalite drops and creates tables at once: poll every second, not every 20 s. */
const WAIT = { maxWaitTime: 30, minDelay: 1, maxDelay: 1 };

async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const attributes = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey]);
  for (const index of GLOBAL_SECONDARY_INDEXES) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: GLOBAL_SECONDARY_INDEXES.map(indexDefinition),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

async function rebuildTable(
  client: DynamoDBClient,
  tableName: string,
  backupFile: string,
): Promise<void> {
  const items: Item[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  writeFileSync(`${backupFile}.partial`, JSON.stringify(items));
  renameSync(`${backupFile}.partial`, backupFile);
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  await waitUntilTableNotExists({ client, ...WAIT }, { TableName: tableName });
  await createTable(client, tableName);
  await waitUntilTableExists({ client, ...WAIT }, { TableName: tableName });
  await putAll(client, tableName, items);
  rmSync(backupFile);
  console.log(
    `Local table ${tableName} rebuilt with the current indexes (${items.length} items kept).`,
  );
}

/** Writes the items (again): a put of the same item is harmless, so this may be repeated. */
async function putAll(client: DynamoDBClient, tableName: string, items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending.length) {
      const { UnprocessedItems } = await client.send(
        new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }),
      );
      pending = (UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
  }
}

function indexDefinition(index: (typeof GLOBAL_SECONDARY_INDEXES)[number]) {
  return {
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  };
}

/** The stand-ins accept any credentials; these keep the SDK from looking for real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
