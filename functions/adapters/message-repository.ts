import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { messageRecord } from '../domain/history';
import type { TicketMessage } from '../domain/message';
import type { MessageRepository } from '../app/ports';
import { conditionalPut } from './conditional-put';
import { fieldsOf } from './item-fields';
import { queryCollection } from './query-collection';
import { normalizeEmail } from '../domain/customer';
import { AUTHOR_INDEX, keys, TICKET_COLLECTION } from './table-design';

/** A ticket's conversation, kept in the ticket's item collection (message ids sort by time). */
export class DynamoMessageRepository implements MessageRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  add(message: TicketMessage): Promise<boolean> {
    return conditionalPut(this.db, {
      TableName: this.tableName,
      Item: messageItem(message),
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  }

  async get(ticketId: string, messageId: string): Promise<TicketMessage | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.message(ticketId, messageId) }),
    );
    return Item ? messageOfItem(Item) : undefined;
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
      .map(messageOfItem)
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  }
}

/** Attributes of a message item that are storage (and history), not message. */
const MESSAGE_STORAGE = new Set([
  'pk',
  'sk',
  'entity',
  'historyRecord',
  AUTHOR_INDEX.partitionKey,
  AUTHOR_INDEX.sortKey,
]);

/** The message an item holds. */
export function messageOfItem(item: Record<string, unknown>): TicketMessage {
  return fieldsOf(item, MESSAGE_STORAGE) as unknown as TicketMessage;
}

/** The item of a message, with the history record it is stored with (SPEC §13). */
export function messageItem(message: TicketMessage): Record<string, unknown> {
  return {
    ...message,
    ...keys.message(message.ticketId, message.messageId),
    entity: 'message',
    historyRecord: messageRecord(message),
    ...authorKeysOf(message),
  };
}

/**
 * The author index keys of a message a customer wrote with their address (none for staff,
 * nor once an erasure took the address): how access and erasure find it (SPEC §13).
 */
export function authorKeysOf(message: TicketMessage): { authorPk?: string; authorSk?: string } {
  const email = message.author.kind === 'customer' ? message.author.email : undefined;
  if (!email) return {};
  return {
    authorPk: keys.author(normalizeEmail(email)),
    authorSk: keys.authorSort(message.createdAt, message.ticketId, message.messageId),
  };
}
