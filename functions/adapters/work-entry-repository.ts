import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { workRecord } from '../domain/history';
import { isBillable, type WorkEntry } from '../domain/work-entry';
import type { WorkEntryRepository } from '../app/ports';
import { isConditionFailure } from './dynamodb';
import { fieldsOf } from './item-fields';
import { queryCollection, queryPages } from './query-collection';
import { BILLING_INDEX, keys, TICKET_COLLECTION } from './table-design';

/** Items per page of the export query (DynamoDB stops at 1 MB anyway). */
const EXPORT_PAGE = 500;

/**
 * Work entries live in their ticket's item collection; billable ones are also in the
 * sparse billing index, keyed by month and sorted by customer, date and entry.
 */
export class DynamoWorkEntryRepository implements WorkEntryRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(entry: WorkEntry): Promise<{ entry: WorkEntry; created: boolean }> {
    const key = keys.workEntry(entry.ticketId, entry.entryId);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          // The entry's history record is part of the entry's own put (SPEC §13).
          Item: workEntryItem(entry),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { entry, created: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    if (!Item) throw new Error(`work entry ${entry.entryId} vanished`);
    return { entry: toEntry(Item), created: false };
  }

  async get(ticketId: string, entryId: string): Promise<WorkEntry | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.workEntry(ticketId, entryId),
        ConsistentRead: true,
      }),
    );
    return Item ? toEntry(Item) : undefined;
  }

  async entriesOf(ticketId: string): Promise<WorkEntry[]> {
    const items = await queryCollection(
      this.db,
      this.tableName,
      keys.ticket(ticketId).pk,
      TICKET_COLLECTION.work,
    );
    return items
      .map(toEntry)
      .sort((a, b) => compare(a.date, b.date) || compare(a.recordedAt, b.recordedAt));
  }

  async billableEntriesOf(ticketId: string): Promise<WorkEntry[]> {
    return (await this.entriesOf(ticketId)).filter(isBillable);
  }

  billableEntriesInMonth(month: string): AsyncIterable<WorkEntry[]> {
    return this.entriesIn(keys.billingMonth(month));
  }

  coveredEntriesInMonth(month: string): AsyncIterable<WorkEntry[]> {
    return this.entriesIn(keys.coveredMonth(month));
  }

  /** One partition of the billing index, page by page from ONE paged Query. */
  private async *entriesIn(partition: string): AsyncIterable<WorkEntry[]> {
    // Read ahead: the export waits for the store about once rather than once per page.
    const pages = queryPages(
      this.db,
      {
        TableName: this.tableName,
        IndexName: BILLING_INDEX.indexName,
        KeyConditionExpression: '#pk = :month',
        ExpressionAttributeNames: { '#pk': BILLING_INDEX.partitionKey },
        ExpressionAttributeValues: { ':month': partition },
        Limit: EXPORT_PAGE,
      },
      { readAhead: true },
    );
    for await (const page of pages) {
      if (page.Items?.length) yield page.Items.map(toEntry);
    }
  }
}

/** The item of a work entry: keys, billing index keys and its history record. */
export function workEntryItem(entry: WorkEntry): Record<string, unknown> {
  return {
    ...entry,
    ...keys.workEntry(entry.ticketId, entry.entryId),
    entity: 'work-entry',
    ...billingKeys(entry),
    historyRecord: workRecord(entry),
  };
}

/**
 * Billable entries enter the billing index under their month; entries wholly covered by a
 * contract under a partition of their own (`COVERED#<month>`), which the export never
 * reads and the contract report does. Unknown customers sort after known ones.
 */
function billingKeys(entry: WorkEntry): Record<string, string> {
  const month = entry.date.slice(0, 7);
  const partition = isBillable(entry)
    ? keys.billingMonth(month)
    : entry.coveredMinutes > 0
      ? keys.coveredMonth(month)
      : undefined;
  if (!partition) return {};
  const customer = entry.customer.id ?? `~${entry.customer.name}`;
  return {
    [BILLING_INDEX.partitionKey]: partition,
    [BILLING_INDEX.sortKey]: `${customer}#${entry.date}#${entry.entryId}`,
  };
}

function compare(a: string | undefined, b: string | undefined): number {
  return (a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0;
}

const STORAGE_ATTRIBUTES = new Set([
  'pk',
  'sk',
  'entity',
  'historyRecord',
  BILLING_INDEX.partitionKey,
  BILLING_INDEX.sortKey,
]);

/** The work entry an item holds. */
export function toEntry(item: Record<string, unknown>): WorkEntry {
  return fieldsOf(item, STORAGE_ATTRIBUTES) as unknown as WorkEntry;
}
