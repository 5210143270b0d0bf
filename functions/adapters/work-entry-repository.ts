import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { isBillable, type WorkEntry } from '../domain/work-entry';
import type { WorkEntryRepository } from '../app/ports';
import { isConditionFailure } from './dynamodb';
import { fieldsOf } from './item-fields';
import { queryCollection } from './query-collection';
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
          Item: { ...entry, ...key, entity: 'work-entry', ...billingKeys(entry) },
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
    const query = (startKey?: Record<string, unknown>) =>
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: BILLING_INDEX.indexName,
          KeyConditionExpression: '#pk = :month',
          ExpressionAttributeNames: { '#pk': BILLING_INDEX.partitionKey },
          ExpressionAttributeValues: { ':month': partition },
          Limit: EXPORT_PAGE,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
    // The next page is asked for while the caller works on this one, so the export waits
    // for the store about once rather than once per page; at most two pages are held.
    // A page read ahead may fail before anyone awaits it (or after the caller stopped):
    // it is marked handled at once, and its failure reaches the caller at the next page.
    const ahead = (startKey?: Record<string, unknown>) => {
      const page = query(startKey);
      page.catch(() => undefined);
      return page;
    };
    let next: ReturnType<typeof query> | undefined = ahead();
    while (next) {
      const page: Awaited<ReturnType<typeof query>> = await next;
      next = page.LastEvaluatedKey ? ahead(page.LastEvaluatedKey) : undefined;
      if (page.Items?.length) yield page.Items.map(toEntry);
    }
  }
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
  BILLING_INDEX.partitionKey,
  BILLING_INDEX.sortKey,
]);

function toEntry(item: Record<string, unknown>): WorkEntry {
  return fieldsOf(item, STORAGE_ATTRIBUTES) as unknown as WorkEntry;
}
