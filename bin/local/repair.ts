import {
  type AttributeValue,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ticketItem, ticketOfItem } from '../../functions/adapters/ticket-repository';
import { GLOBAL_SECONDARY_INDEXES } from '../../functions/adapters/table-design';
import { LOCAL_CREDENTIALS } from './dynamodb';

type Item = Record<string, AttributeValue>;

/** What a repair found and put right. */
export interface RepairReport {
  items: number;
  /** Index entries that were missing (or pointed elsewhere) and were written. */
  missingEntries: number;
  /** Index entries of items that no longer belong in that index, removed. */
  staleEntries: number;
  /** Ticket items whose index attributes did not match their status, corrected. */
  correctedTickets: number;
}

/**
 * Rebuilds the table's index entries from its items, after `npm start` was stopped without
 * closing the store (a crash, `kill -9`). dynalite writes an item and its index entries one
 * after the other, so a crash between them leaves e.g. an `open` ticket missing from the
 * queue index, or a claimed one still in it. Tickets are the truth: their index attributes
 * are derived again from their status; every index entry is then compared with the item.
 */
export async function repairIndexes(endpoint: string, tableName: string): Promise<RepairReport> {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: LOCAL_CREDENTIALS });
  const report: RepairReport = {
    items: 0,
    missingEntries: 0,
    staleEntries: 0,
    correctedTickets: 0,
  };
  try {
    const items = new Map<string, Item>();
    const toPut = new Set<string>();
    for await (const item of scan(client, tableName)) {
      let wanted = item;
      if (item.entity?.S === 'ticket') {
        wanted = marshall(ticketItem(ticketOfItem(unmarshall(item))), {
          removeUndefinedValues: true,
        });
        if (!sameIndexAttributes(item, wanted)) {
          report.correctedTickets++;
          toPut.add(keyOf(item));
        }
      }
      items.set(keyOf(item), wanted);
    }
    report.items = items.size;

    for (const index of GLOBAL_SECONDARY_INDEXES) {
      const names = [index.partitionKey, index.sortKey];
      const entries = new Map<string, Item>();
      for await (const entry of scan(client, tableName, index.indexName)) {
        entries.set(keyOf(entry), entry);
      }
      for (const [key, item] of items) {
        const entry = entries.get(key);
        const belongs = names.every((name) => item[name] !== undefined);
        if (belongs && (!entry || !names.every((name) => same(entry[name], item[name])))) {
          toPut.add(key);
          report.missingEntries++;
        }
      }
      for (const [key, entry] of entries) {
        const item = items.get(key);
        if (item && names.every((name) => same(entry[name], item[name]))) continue;
        // Writing the item once with the stale entry's index values and then as it is makes
        // dynalite delete that entry (it deletes the entry of the item it replaces).
        const withStale: Item = { ...(item ?? entry) };
        for (const name of names) if (entry[name]) withStale[name] = entry[name];
        await client.send(new PutItemCommand({ TableName: tableName, Item: withStale }));
        if (item) toPut.add(key);
        else {
          await client.send(
            new DeleteItemCommand({
              TableName: tableName,
              Key: { pk: entry.pk as AttributeValue, sk: entry.sk as AttributeValue },
            }),
          );
        }
        report.staleEntries++;
      }
    }
    for (const key of toPut) {
      await client.send(new PutItemCommand({ TableName: tableName, Item: items.get(key) as Item }));
    }
    return report;
  } finally {
    client.destroy();
  }
}

async function* scan(client: DynamoDBClient, tableName: string, indexName?: string) {
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ...(indexName ? { IndexName: indexName } : {}),
        ExclusiveStartKey: startKey,
      }),
    );
    yield* page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

const INDEX_ATTRIBUTES = [
  ...new Set(GLOBAL_SECONDARY_INDEXES.flatMap((index) => [index.partitionKey, index.sortKey])),
];

function sameIndexAttributes(a: Item, b: Item): boolean {
  return INDEX_ATTRIBUTES.every((name) => same(a[name], b[name]));
}

function same(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function keyOf(item: Item): string {
  return JSON.stringify([item.pk, item.sk]);
}
