import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { TicketMessage } from '../domain/message';
import type { MessageRepository } from '../app/ports';
import { conditionalPut } from './conditional-put';
import { withoutKeys } from './item-fields';
import { queryCollection } from './query-collection';
import { keys, TICKET_COLLECTION } from './table-design';

/** A ticket's conversation, kept in the ticket's item collection (message ids sort by time). */
export class DynamoMessageRepository implements MessageRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  add(message: TicketMessage): Promise<boolean> {
    return conditionalPut(this.db, {
      TableName: this.tableName,
      Item: { ...message, ...keys.message(message.ticketId, message.messageId), entity: 'message' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  }

  async get(ticketId: string, messageId: string): Promise<TicketMessage | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.message(ticketId, messageId) }),
    );
    return Item ? withoutKeys<TicketMessage>(Item) : undefined;
  }

  async list(ticketId: string): Promise<TicketMessage[]> {
    const items = await queryCollection(
      this.db,
      this.tableName,
      keys.ticket(ticketId).pk,
      TICKET_COLLECTION.messages,
    );
    // Message ids of mailed replies are not time-ordered: order by when they came.
    return items
      .map((item) => withoutKeys<TicketMessage>(item))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  }
}
