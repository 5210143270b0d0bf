import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { StoredTicket } from '../../functions/app/ports';
import { DynamoCustomerRepository } from '../../functions/adapters/customer-repository';
import { DynamoTicketRepository } from '../../functions/adapters/ticket-repository';
import { DynamoWorkEntryRepository } from '../../functions/adapters/work-entry-repository';
import type { Customer } from '../../functions/domain/customer';
import type { WorkEntry } from '../../functions/domain/work-entry';
import { QUEUE_INDEX, QUEUE_PARTITION } from '../../functions/adapters/table-design';
import { hashAccessToken } from '../../functions/domain/access-token';
import { SEVERITIES } from '../../functions/domain/ticket';
import { formatTicketId } from '../../functions/domain/ticket-number';
import { LOCAL_CREDENTIALS } from '../local/dynamodb';
import { prng, runPool, summarize, type Summary } from './stats';

export type Item = Record<string, unknown>;

/**
 * A document client configured as the product's (functions/adapters/dynamodb.ts: same
 * marshalling options, the SDK's default HTTP handler), pointed at the stand-in.
 */
export function createStoreClient(endpoint: string): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: LOCAL_CREDENTIALS });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/**
 * The item the product stores for a ticket, made by the product's own repository: its
 * `create` is run against a client that only records the PutItem it is asked to send.
 * Seeded tickets are therefore exactly the items `POST /tickets` would have written
 * (queue index attributes included).
 */
export function createItemShaper(tableName: string): (ticket: StoredTicket) => Promise<Item> {
  const sent: Item[] = [];
  const recorder = {
    send: async (command: PutCommand) => {
      if (!command.input.Item) throw new Error('the repository sent no item');
      sent.push(command.input.Item);
      return {};
    },
  };
  const repository = new DynamoTicketRepository(
    recorder as unknown as DynamoDBDocumentClient,
    tableName,
  );
  return async (ticket) => {
    if (!(await repository.create(ticket))) throw new Error('recording create failed');
    const item = sent.pop();
    if (!item) throw new Error('the repository wrote no item');
    return item;
  };
}

/**
 * The item the product stores for a work entry, made by `DynamoWorkEntryRepository.add`
 * against a client that only records the PutItem (billing index keys `billingPk` and
 * `billingSk` included for billable entries), as `POST /tickets/{id}/work` would write it.
 */
export function createWorkEntryShaper(tableName: string): (entry: WorkEntry) => Promise<Item> {
  const sent: Item[] = [];
  const recorder = {
    send: async (command: unknown) => {
      if (!(command instanceof PutCommand) || !command.input.Item) {
        throw new Error('the work entry repository sent something other than one PutItem');
      }
      sent.push(command.input.Item);
      return {};
    },
  };
  const repository = new DynamoWorkEntryRepository(
    recorder as unknown as DynamoDBDocumentClient,
    tableName,
  );
  return async (entry) => {
    if (!(await repository.add(entry)).created) throw new Error('recording add failed');
    const item = sent.pop();
    if (!item) throw new Error('the repository wrote no item');
    return item;
  };
}

/**
 * The items the product stores for a new customer (the customer, one lookup per domain and
 * contact, contract boundaries), made by `DynamoCustomerRepository.save` against a client
 * that finds no lookup taken and only records the PutItems.
 */
export function createCustomerShaper(tableName: string): (customer: Customer) => Promise<Item[]> {
  let sent: Item[] = [];
  const recorder = {
    send: async (command: unknown) => {
      if (command instanceof BatchGetCommand) return { Responses: { [tableName]: [] } };
      if (command instanceof PutCommand && command.input.Item) {
        sent.push(command.input.Item);
        return {};
      }
      throw new Error('the customer repository sent an unexpected command');
    },
  };
  const repository = new DynamoCustomerRepository(
    recorder as unknown as DynamoDBDocumentClient,
    tableName,
  );
  return async (customer) => {
    await repository.save(customer);
    const items = sent;
    sent = [];
    return items;
  };
}

/** Ticket numbers far above what the counter hands out, so seeds never clash with intake. */
let nextSeedNumber = 500_000_000;

const SUBJECTS = [
  'Export to CSV fails with timeout',
  'Login loop after password reset',
  'Invoice PDF shows wrong VAT',
  'Sync job stuck since last night',
  'API returns 502 for large uploads',
  'Cannot add new users to workspace',
];
const WORDS = 'the a customer reports that since update report export server error fails page '
  .concat('again after restart logs show timeout please help urgent production users affected')
  .split(' ');

/** Deterministic, realistic waiting tickets: mixed groups, severities and receipt times. */
export function createTicketFactory(seed: number): () => StoredTicket {
  const random = prng(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const now = Date.now();
  return () => {
    const n = nextSeedNumber++;
    const receivedAt = new Date(now - Math.floor(random() * 30 * 24 * 3600 * 1000)).toISOString();
    const contract = random() < 0.2;
    const customerNo = Math.floor(random() * 500);
    const words = Array.from({ length: 30 + Math.floor(random() * 90) }, () => pick(WORDS));
    return {
      ticketId: formatTicketId(n),
      status: 'open',
      group: contract ? 'contract' : 'standard',
      severity: pick(SEVERITIES),
      receivedAt,
      subject: pick(SUBJECTS),
      description: words.join(' '),
      channel: 'web',
      locale: random() < 0.7 ? 'de' : 'en',
      requester: {
        name: `Requester ${n}`,
        email: contract ? `user${n}@customer${customerNo}.example` : `user${n}@mail.example`,
      },
      ...(contract
        ? { customer: { id: `cust-${customerNo}`, name: `Customer ${customerNo}` } }
        : {}),
      updatedAt: receivedAt,
      version: 1,
      accessTokenHash: hashAccessToken(randomBytes(24).toString('base64url')),
    };
  };
}

/** Writes items with BatchWriteItem, 25 per call, `concurrency` calls in flight. */
export async function batchWrite(
  db: DynamoDBDocumentClient,
  tableName: string,
  items: Item[],
  concurrency: number,
): Promise<void> {
  const calls = Math.ceil(items.length / 25);
  await runPool(calls, concurrency, async (call) => {
    let pending = items.slice(call * 25, call * 25 + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 10) throw new Error('BatchWriteItem keeps leaving items unprocessed');
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 5));
      const { UnprocessedItems } = await db.send(
        new BatchWriteCommand({ RequestItems: { [tableName]: pending } }),
      );
      pending = (UnprocessedItems?.[tableName] ?? []).flatMap((request) =>
        request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : [],
      );
    }
  });
}

/** The raw store operation behind a queue page: one Query on the queue index. */
export function queryQueue(
  db: DynamoDBDocumentClient,
  tableName: string,
  limit: number,
  startKey?: Item,
): Promise<QueryCommandOutput> {
  return db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: QUEUE_INDEX.indexName,
      KeyConditionExpression: '#pk = :queue',
      ExpressionAttributeNames: { '#pk': QUEUE_INDEX.partitionKey },
      ExpressionAttributeValues: { ':queue': QUEUE_PARTITION },
      Limit: limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }),
  );
}

/**
 * The raw side of intake and work: a conditional PutItem (`attribute_not_exists(pk)`) of
 * each item, `concurrency` at a time, timed as a whole and one by one.
 */
export async function timedNewPuts(
  db: DynamoDBDocumentClient,
  tableName: string,
  items: Item[],
  concurrency: number,
): Promise<{ ops: number; ms: number; latency: Summary }> {
  const latencies: number[] = [];
  const started = performance.now();
  await runPool(items.length, concurrency, async (index) => {
    const t0 = performance.now();
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: items[index],
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    latencies.push(performance.now() - t0);
  });
  return { ops: items.length, ms: performance.now() - started, latency: summarize(latencies) };
}
