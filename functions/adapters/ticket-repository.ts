import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { queryPages } from './query-collection';
import { ValidationError } from '../domain/errors';
import { claimRecord } from '../domain/history';
import { berlinMonth } from '../domain/calendar';
import { decodeQueueKey, encodeQueueKey, queueKeyPrefix } from '../domain/queue-key';
import { portalPartitionOf } from '../domain/portal';
import { nextEscalationAt } from '../domain/service-levels/sla-clock';
import { GROUPS, isHeld, isWaiting, SEVERITIES, type Group } from '../domain/ticket';
import type {
  PortalFilter,
  PortalTickets,
  QueueCounters,
  TicketPage,
  QueueStatistics,
  StoredTicket,
  TicketRepository,
  WaitingTickets,
} from '../app/ports';
import { isConditionFailure } from './dynamodb';
import { fieldsOf } from './item-fields';
import {
  ASSIGNEE_INDEX,
  CUSTOMER_QUEUE_INDEX,
  keys,
  PORTAL_INDEX,
  PENDING_ACKNOWLEDGEMENT_INDEX,
  PENDING_ACKNOWLEDGEMENT_PARTITION,
  QUEUE_INDEX,
  QUEUE_PARTITION,
  RECEIVED_INDEX,
  SLA_DUE_INDEX,
  SLA_DUE_PARTITION,
} from './table-design';

/** Tickets in the single table; the queue index entries are derived from the status here. */
export class DynamoTicketRepository implements TicketRepository, PortalTickets, QueueStatistics {
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

  async queuePage(limit: number, cursor?: string): Promise<TicketPage> {
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

  /**
   * Per group: the waiting tickets counted (`Select: COUNT`, no item returned) and the
   * oldest found as the first key of each severity's part of the queue (one item each).
   */
  async waitingByGroup(): Promise<Record<Group, WaitingTickets>> {
    const entries = await Promise.all(
      GROUPS.map(async (group): Promise<[Group, WaitingTickets]> => {
        const [waiting, ...firsts] = await Promise.all([
          this.countQueue(queueKeyPrefix(group)),
          ...SEVERITIES.map((severity) => this.firstReceivedAt(queueKeyPrefix(group, severity))),
        ]);
        const oldest = firsts.filter((at): at is string => at !== undefined).sort()[0];
        return [group, { waiting, ...(oldest ? { oldestReceivedAt: oldest } : {}) }];
      }),
    );
    return Object.fromEntries(entries) as Record<Group, WaitingTickets>;
  }

  private async countQueue(prefix: string): Promise<number> {
    let count = 0;
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      IndexName: QUEUE_INDEX.indexName,
      KeyConditionExpression: '#pk = :queue AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': QUEUE_INDEX.partitionKey, '#sk': QUEUE_INDEX.sortKey },
      ExpressionAttributeValues: { ':queue': QUEUE_PARTITION, ':prefix': prefix },
      Select: 'COUNT',
    })) {
      count += page.Count ?? 0;
    }
    return count;
  }

  private async firstReceivedAt(prefix: string): Promise<string | undefined> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: QUEUE_INDEX.indexName,
        KeyConditionExpression: '#pk = :queue AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': QUEUE_INDEX.partitionKey, '#sk': QUEUE_INDEX.sortKey },
        ExpressionAttributeValues: { ':queue': QUEUE_PARTITION, ':prefix': prefix },
        ProjectionExpression: '#sk',
        Limit: 1,
      }),
    );
    const key = Items[0]?.[QUEUE_INDEX.sortKey];
    return typeof key === 'string' ? decodeQueueKey(key).receivedAt : undefined;
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
            'assigneePk = :held, assigneeSk = :heldSort, ' +
            'firstAttendedAt = if_not_exists(firstAttendedAt, :at), ' +
            // The claim's record rides in the claim's own write (SPEC §13).
            'history = list_append(if_not_exists(history, :none), :record) ' +
            'REMOVE queuePk, queueSk, customerQueuePk',
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
            ':none': [],
            ':record': [claimRecord(agent, at)],
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

  async heldTickets(assignee: string, limit: number, cursor?: string): Promise<TicketPage> {
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: ASSIGNEE_INDEX.indexName,
        KeyConditionExpression: '#pk = :assignee',
        ExpressionAttributeNames: { '#pk': ASSIGNEE_INDEX.partitionKey },
        ExpressionAttributeValues: { ':assignee': keys.assignee(assignee) },
        ScanIndexForward: false,
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: decodeHeldCursor(cursor, assignee) } : {}),
      }),
    );
    return {
      items: Items.map(ticketOfItem),
      ...(LastEvaluatedKey ? { nextCursor: encodeCursor(LastEvaluatedKey) } : {}),
    };
  }

  async portalPage(
    partition: string,
    filter: PortalFilter,
    limit: number,
    cursor?: string,
  ): Promise<TicketPage> {
    const names: Record<string, string> = { '#pk': PORTAL_INDEX.partitionKey };
    const values: Record<string, unknown> = { ':partition': partition };
    const conditions: string[] = [];
    if (filter.statuses) {
      names['#status'] = 'status';
      conditions.push(
        `#status IN (${filter.statuses
          .map((status, i) => {
            values[`:s${i}`] = status;
            return `:s${i}`;
          })
          .join(', ')})`,
      );
    }
    if (filter.requesterEmail !== undefined) {
      names['#requester'] = 'requester';
      names['#email'] = 'email';
      values[':me'] = filter.requesterEmail;
      conditions.push('#requester.#email = :me');
    }
    const items: StoredTicket[] = [];
    let startKey = cursor ? decodePortalCursor(cursor, partition) : undefined;
    // A filter is applied after Limit: read on until the page is full, within a bound, so
    // one request never walks a large customer's whole history.
    for (let round = 0; round < PORTAL_READS_PER_PAGE && items.length < limit; round++) {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: PORTAL_INDEX.indexName,
          KeyConditionExpression: '#pk = :partition',
          ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: conditions.length > 0 ? Math.max(limit - items.length, 25) : limit - items.length,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        if (items.length < limit) {
          items.push(ticketOfItem(item));
          startKey = portalKeyOf(item);
        }
      }
      if (items.length >= limit) break;
      startKey = page.LastEvaluatedKey;
      if (!startKey) break;
    }
    return { items, ...(startKey ? { nextCursor: encodeCursor(startKey) } : {}) };
  }

  async hasPortalTickets(partition: string): Promise<boolean> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: PORTAL_INDEX.indexName,
        KeyConditionExpression: '#pk = :partition',
        ProjectionExpression: 'ticketId',
        ExpressionAttributeNames: { '#pk': PORTAL_INDEX.partitionKey },
        ExpressionAttributeValues: { ':partition': partition },
        Limit: 1,
      }),
    );
    return Items.length > 0;
  }

  async *receivedBetween(
    partition: string,
    from: string,
    to: string,
  ): AsyncIterable<StoredTicket[]> {
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      IndexName: PORTAL_INDEX.indexName,
      // The sort key is `<receivedAt>#<ticketId>`: `#` sorts below every digit, so
      // `< to` ends before the first ticket received at `to`.
      KeyConditionExpression: '#pk = :partition AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: {
        '#pk': PORTAL_INDEX.partitionKey,
        '#sk': PORTAL_INDEX.sortKey,
      },
      ExpressionAttributeValues: { ':partition': partition, ':from': from, ':to': `${to}#` },
    })) {
      const tickets = (page.Items ?? [])
        .map(ticketOfItem)
        .filter((t) => t.receivedAt >= from && t.receivedAt < to);
      if (tickets.length > 0) yield tickets;
    }
  }

  async *waitingTicketsOf(customerId: string): AsyncIterable<StoredTicket> {
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      IndexName: CUSTOMER_QUEUE_INDEX.indexName,
      KeyConditionExpression: '#pk = :customer',
      ExpressionAttributeNames: { '#pk': CUSTOMER_QUEUE_INDEX.partitionKey },
      ExpressionAttributeValues: { ':customer': keys.customerQueue(customerId) },
    })) {
      for (const item of page.Items ?? []) yield ticketOfItem(item);
    }
  }

  async *dueForEscalation(until: string): AsyncIterable<string[]> {
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      IndexName: SLA_DUE_INDEX.indexName,
      // Everything due up to and including `until`: `#` sorts below any ticket id.
      KeyConditionExpression: '#pk = :due AND #sk < :after',
      ProjectionExpression: 'ticketId',
      ExpressionAttributeNames: {
        '#pk': SLA_DUE_INDEX.partitionKey,
        '#sk': SLA_DUE_INDEX.sortKey,
      },
      ExpressionAttributeValues: { ':due': SLA_DUE_PARTITION, ':after': `${until}#~` },
    })) {
      const ids = (page.Items ?? []).map((item) => String(item.ticketId));
      if (ids.length) yield ids;
    }
  }

  async *receivedInMonth(month: string): AsyncIterable<StoredTicket[]> {
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      IndexName: RECEIVED_INDEX.indexName,
      KeyConditionExpression: '#pk = :month',
      ExpressionAttributeNames: { '#pk': RECEIVED_INDEX.partitionKey },
      ExpressionAttributeValues: { ':month': keys.receivedMonth(month) },
    })) {
      yield (page.Items ?? []).map(ticketOfItem);
    }
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
  const portalPk = portalPartitionOf(ticket);
  if (portalPk) {
    item.portalPk = portalPk;
    item.portalSk = keys.portalSort(ticket.receivedAt, ticket.ticketId);
  }
  if (isWaiting(ticket.status)) {
    item.queuePk = QUEUE_PARTITION;
    item.queueSk = encodeQueueKey(ticket);
    if (ticket.customer) item.customerQueuePk = keys.customerQueue(ticket.customer.id);
  }
  // Only a contract ticket with an escalation still to come is in the due index.
  const escalationAt =
    ticket.group === 'contract' && ticket.sla
      ? nextEscalationAt(ticket.sla, ticket.status)
      : undefined;
  if (escalationAt) {
    item.slaDuePk = SLA_DUE_PARTITION;
    item.slaDueSk = keys.slaDueSort(escalationAt, ticket.ticketId);
  }
  item.receivedPk = keys.receivedMonth(berlinMonth(ticket.receivedAt));
  item.receivedSk = keys.receivedSort(ticket.receivedAt, ticket.ticketId);
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
  'portalPk',
  'portalSk',
  'slaDuePk',
  'slaDueSk',
  'receivedPk',
  'receivedSk',
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

/** Index queries one portal page may take (each at most 1 MB) before answering. */
const PORTAL_READS_PER_PAGE = 5;

/** The index position of a portal item, as the cursor after it. */
function portalKeyOf(item: Record<string, unknown>): Record<string, unknown> {
  return { pk: item.pk, sk: item.sk, portalPk: item.portalPk, portalSk: item.portalSk };
}

/**
 * Accepts only a position in the caller's own portal partition: a cursor handed to another
 * customer is a 400, never a look into their tickets.
 */
function decodePortalCursor(cursor: string, partition: string): Record<string, unknown> {
  const { pk, sk, portalPk, portalSk, ...rest } = cursorKey(cursor);
  if (Object.keys(rest).length > 0 || sk !== 'TICKET' || portalPk !== partition) {
    throw invalidCursor();
  }
  if (typeof pk !== 'string' || typeof portalSk !== 'string') throw invalidCursor();
  const ticketId = portalSk.slice(portalSk.lastIndexOf('#') + 1);
  if (pk !== keys.ticket(ticketId).pk) throw invalidCursor();
  return { pk, sk, portalPk, portalSk };
}

/** Accepts only a position in this agent's own list. */
function decodeHeldCursor(cursor: string, assignee: string): Record<string, unknown> {
  const { pk, sk, assigneePk, assigneeSk, ...rest } = cursorKey(cursor);
  if (Object.keys(rest).length > 0 || sk !== 'TICKET' || assigneePk !== keys.assignee(assignee)) {
    throw invalidCursor();
  }
  if (typeof pk !== 'string' || typeof assigneeSk !== 'string') throw invalidCursor();
  const ticketId = assigneeSk.slice(assigneeSk.lastIndexOf('#') + 1);
  if (pk !== keys.ticket(ticketId).pk) throw invalidCursor();
  return { pk, sk, assigneePk, assigneeSk };
}
