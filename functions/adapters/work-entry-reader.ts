import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isBillable, type WorkEntry } from '../domain/work-entry';
import type { WorkEntryReader } from '../app/ports';
import { queryCollection, withoutKeys } from './query-collection';
import { keys, TICKET_COLLECTION } from './table-design';

/** Work entries of a ticket, from the ticket's item collection (`WORK#…`). */
export class DynamoWorkEntryReader implements WorkEntryReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async billableEntriesOf(ticketId: string): Promise<WorkEntry[]> {
    const items = await queryCollection(
      this.db,
      this.tableName,
      keys.ticket(ticketId).pk,
      TICKET_COLLECTION.work,
    );
    return items.map((item) => withoutKeys<WorkEntry>(item)).filter(isBillable);
  }
}
