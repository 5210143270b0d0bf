import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../domain/errors';
import { decodeQueueKey, encodeQueueKey } from '../domain/queue-key';
import { isHeld, isWaiting } from '../domain/ticket';
import type { QueueCounters, QueuePage, StoredTicket, TicketRepository } from '../app/ports';
import { isConditionFailure } from './dynamodb';
import { fieldsOf } from './item-fields';
import {
  ASSIGNEE_INDEX,
  CUSTOMER_QUEUE_INDEX,
  keys,
  PENDING_ACKNOWLEDGEMENT_INDEX,
  PENDING_ACKNOWLEDGEMENT_PARTITION,
  QUEUE_INDEX,
  QUEUE_PARTITION,
} from './table-design';

/** Tickets in the single table; the queue index entries are derived from the status here. */
export class DynamoTicketRepository implements TicketRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Told after every write that puts a ticket into the queue or moves it there. */
    private readonly onQueueChange: () => void = () => {},
    /** The queue's bucket counters, told of every change of a ticket's queue key. */
    private readonly counters?: Pick<QueueCounters, 'moved' | 'claimed'>,
  ) {}

  async create(ticket: StoredTicket): Promise<boolean> {
    return this.put(ticket, 'attribute_not_exists(pk)');
  }

  async get(ticketId: string): Promise<StoredTicket | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.ticket(ticketId),
        ConsistentRead: true,
      }),
    );
    return Item ? ticketOfItem(Item) : undefined;
  }

  async save(ticket: StoredTicket, expectedVersion: number): Promise<boolean> {
    return this.put(ticket, 'version = :expected', { ':expected': expectedVersion });
  }

  async queuePage(limit: number, cursor?: string): Promise<QueuePage> {
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: QUEUE_INDEX.indexName,
        KeyConditionExpression: '#pk = :queue',
        ExpressionAttributeNames: { '#pk': QUEUE_INDEX.partitionKey },
        ExpressionAttributeValues: { ':queue': QUEUE_PARTITION },
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor) } : {}),
      }),
    );
    return {
      items: Items.map(ticketOfItem),
      ...(LastEvaluatedKey ? { nextCursor: encodeCursor(LastEvaluatedKey) } : {}),
    };
  }

  async queueHeads(limit: number): Promise<{ ticketId: string; version: number }[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: QUEUE_INDEX.indexName,
        KeyConditionExpression: '#pk = :queue',
        // A claim needs only these, not whole tickets with their descriptions.
        ProjectionExpression: 'ticketId, version',
        ExpressionAttributeNames: { '#pk': QUEUE_INDEX.partitionKey },
        ExpressionAttributeValues: { ':queue': QUEUE_PARTITION },
        Limit: limit,
      }),
    );
    return Items.map((item) => ({
      ticketId: String(item.ticketId),
      version: Number(item.version),
    }));
  }

  async claim(
    ticketId: string,
    expectedVersion: number,
    agent: string,
    at: string,
  ): Promise<StoredTicket | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.ticket(ticketId),
          // Leaving the queue is removing the index attributes: the same write.
          UpdateExpression:
            'SET #status = :claimed, assignee = :agent, updatedAt = :at, version = :next, ' +
            'assigneePk = :held, assigneeSk = :heldSort REMOVE queuePk, queueSk, customerQueuePk',
          ConditionExpression: 'version = :expected AND #status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':claimed': 'in_progress',
            ':open': 'open',
            ':agent': agent,
            ':at': at,
            ':expected': expectedVersion,
            ':next': expectedVersion + 1,
            ':held': keys.assignee(agent),
            ':heldSort': keys.assigneeSort(at, ticketId),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (!Attributes) return undefined;
      const claimed = ticketOfItem(Attributes);
      if (this.counters) {
        // The claim's condition held, so this is the one write that took the ticket out.
        await Promise.all([
          this.counters.moved(encodeQueueKey(claimed), undefined),
          this.counters.claimed(claimed.group, new Date(at)),
        ]);
      }
      return claimed;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async heldBy(agent: string, limit: number, cursor?: string): Promise<QueuePage> {
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: ASSIGNEE_INDEX.indexName,
        KeyConditionExpression: '#pk = :agent',
        ExpressionAttributeNames: { '#pk': ASSIGNEE_INDEX.partitionKey },
        ExpressionAttributeValues: { ':agent': keys.assignee(agent) },
        ScanIndexForward: false,
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: decodeHeldCursor(cursor, agent) } : {}),
      }),
    );
    return {
      items: Items.map(ticketOfItem),
      ...(LastEvaluatedKey ? { nextCursor: encodeCursor(LastEvaluatedKey) } : {}),
    };
  }

  async *waitingTicketsOf(customerId: string): AsyncIterable<StoredTicket> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: CUSTOMER_QUEUE_INDEX.indexName,
          KeyConditionExpression: '#pk = :customer',
          ExpressionAttributeNames: { '#pk': CUSTOMER_QUEUE_INDEX.partitionKey },
          ExpressionAttributeValues: { ':customer': keys.customerQueue(customerId) },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) yield ticketOfItem(item);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  async settleAcknowledgement(ticketId: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.ticket(ticketId),
          UpdateExpression: 'REMOVE pendingAcknowledgement, #pk, #sk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: {
            '#pk': PENDING_ACKNOWLEDGEMENT_INDEX.partitionKey,
            '#sk': PENDING_ACKNOWLEDGEMENT_INDEX.sortKey,
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async pendingAcknowledgements(receivedBefore: string, limit: number): Promise<StoredTicket[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: PENDING_ACKNOWLEDGEMENT_INDEX.indexName,
        KeyConditionExpression: '#pk = :pending AND #sk < :before',
        ExpressionAttributeNames: {
          '#pk': PENDING_ACKNOWLEDGEMENT_INDEX.partitionKey,
          '#sk': PENDING_ACKNOWLEDGEMENT_INDEX.sortKey,
        },
        ExpressionAttributeValues: {
          ':pending': PENDING_ACKNOWLEDGEMENT_PARTITION,
          ':before': receivedBefore,
        },
        Limit: limit,
      }),
    );
    return Items.map(ticketOfItem);
  }

  private async put(ticket: StoredTicket, condition: string, values?: Record<string, unknown>) {
    const item = ticketItem(ticket);
    let before: Record<string, unknown> | undefined;
    try {
      const { Attributes } = await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: condition,
          ...(values ? { ExpressionAttributeValues: values } : {}),
          // The old queue key tells the counters which bucket the ticket left.
          ...(this.counters ? { ReturnValues: 'ALL_OLD' } : {}),
        }),
      );
      before = Attributes;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    if (this.counters) {
      const oldKey = typeof before?.queueSk === 'string' ? before.queueSk : undefined;
      const newKey = typeof item.queueSk === 'string' ? item.queueSk : undefined;
      await this.counters.moved(oldKey, newKey);
    }
    if (isWaiting(ticket.status)) this.onQueueChange();
    return true;
  }
}

/**
 * The item of a ticket, with the index attributes its status calls for. Only waiting
 * tickets carry the queue index attributes, which keeps the index sparse. (Also what the
 * local stack's repair after a crash rebuilds the index entries from.)
 */
export function ticketItem(ticket: StoredTicket): Record<string, unknown> {
  const item: Record<string, unknown> = {
    ...ticket,
    ...keys.ticket(ticket.ticketId),
    entity: 'ticket',
  };
  if (isHeld(ticket.status) && ticket.assignee) {
    item.assigneePk = keys.assignee(ticket.assignee);
    item.assigneeSk = keys.assigneeSort(ticket.updatedAt, ticket.ticketId);
  }
  if (ticket.pendingAcknowledgement) {
    item.pendingAckPk = PENDING_ACKNOWLEDGEMENT_PARTITION;
    item.pendingAckSk = `${ticket.receivedAt}#${ticket.ticketId}`;
  }
  if (isWaiting(ticket.status)) {
    item.queuePk = QUEUE_PARTITION;
    item.queueSk = encodeQueueKey(ticket);
    if (ticket.customer) item.customerQueuePk = keys.customerQueue(ticket.customer.id);
  }
  return item;
}

/** Attributes of the item that are storage, not ticket. */
const STORAGE_ATTRIBUTES = new Set([
  'pk',
  'sk',
  'entity',
  'queuePk',
  'queueSk',
  'customerQueuePk',
  'assigneePk',
  'assigneeSk',
  'pendingAckPk',
  'pendingAckSk',
]);

/** The ticket an item holds, without its storage attributes. */
export function ticketOfItem(item: Record<string, unknown>): StoredTicket {
  return fieldsOf(item, STORAGE_ATTRIBUTES) as unknown as StoredTicket;
}

/** The cursor is the index position of the last item, opaque to the caller. */
function encodeCursor(lastKey: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(lastKey)).toString('base64url');
}

function invalidCursor(): ValidationError {
  return new ValidationError('The cursor is not one this API handed out.', [
    { field: 'query.cursor', message: 'Use the nextCursor of the previous page.' },
  ]);
}

/** The key a cursor carries, as an object; anything else is a 400, not a 500. */
function cursorKey(cursor: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidCursor();
  }
  return parsed as Record<string, unknown>;
}

/** Accepts only a well-formed position in the queue. */
function decodeCursor(cursor: string): Record<string, unknown> {
  const { pk, sk, queuePk, queueSk, ...rest } = cursorKey(cursor);
  if (Object.keys(rest).length > 0 || queuePk !== QUEUE_PARTITION || sk !== 'TICKET') {
    throw invalidCursor();
  }
  if (typeof pk !== 'string' || typeof queueSk !== 'string') throw invalidCursor();
  try {
    const position = decodeQueueKey(queueSk);
    if (pk !== keys.ticket(position.ticketId).pk) throw invalidCursor();
  } catch {
    throw invalidCursor();
  }
  return { pk, sk, queuePk, queueSk };
}

/** Accepts only a position in this agent's own list. */
function decodeHeldCursor(cursor: string, agent: string): Record<string, unknown> {
  const { pk, sk, assigneePk, assigneeSk, ...rest } = cursorKey(cursor);
  if (Object.keys(rest).length > 0 || sk !== 'TICKET' || assigneePk !== keys.assignee(agent)) {
    throw invalidCursor();
  }
  if (typeof pk !== 'string' || typeof assigneeSk !== 'string') throw invalidCursor();
  const ticketId = assigneeSk.slice(assigneeSk.lastIndexOf('#') + 1);
  if (pk !== keys.ticket(ticketId).pk) throw invalidCursor();
  return { pk, sk, assigneePk, assigneeSk };
}
