import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { HistoryRecord } from '../domain/history';
import { mergeHistory } from '../domain/history';
import type { TicketHistory } from '../app/ports';
import { keys } from './table-design';
import { queryPages } from './query-collection';

/**
 * A ticket's history from its item collection: the ticket item's own records and the
 * record each message and work entry was stored with. One paged Query of the collection,
 * projected to the records (DynamoDB still reads the whole items; the collection is one
 * ticket's conversation).
 */
export class DynamoTicketHistory implements TicketHistory {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async historyOf(ticketId: string): Promise<HistoryRecord[] | undefined> {
    const { pk, sk: ticketSk } = keys.ticket(ticketId);
    let own: HistoryRecord[] | undefined;
    const others: HistoryRecord[] = [];
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ProjectionExpression: 'sk, #history, historyRecord',
      ExpressionAttributeNames: { '#history': 'history' },
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    })) {
      for (const item of page.Items ?? []) {
        if (item.sk === ticketSk) own = (item.history as HistoryRecord[] | undefined) ?? [];
        else if (item.historyRecord) others.push(item.historyRecord as HistoryRecord);
      }
    }
    return own === undefined ? undefined : mergeHistory(own, others);
  }
}
