import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { log } from '../shared/log';
import { messageIdKey } from '../domain/mail/threading';
import type { DeliveryClaim, MailLog, SentMail } from '../app/mail-ports';
import type { Clock } from '../app/ports';
import { batchGet } from './batch-get';
import { conditionalPut } from './conditional-put';
import { isConditionFailure } from './dynamodb';
import { withoutKeys } from './item-fields';
import { queryCollection } from './query-collection';
import { keys, TICKET_COLLECTION } from './table-design';

/**
 * Delivery records per outbox event (exactly-once sending), the mails of each ticket, and
 * a lookup from each Message-ID to its ticket for matching replies.
 */
export class DynamoMailLog implements MailLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async claim(eventId: string, leaseSeconds: number): Promise<DeliveryClaim> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const claimed = await conditionalPut(this.db, {
      TableName: this.tableName,
      Item: {
        ...keys.mailEvent(eventId),
        entity: 'mail-event',
        eventId,
        status: 'sending',
        leaseUntil: now + leaseSeconds,
      },
      ConditionExpression: 'attribute_not_exists(pk) OR (#status = :sending AND leaseUntil < :now)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':sending': 'sending', ':now': now },
    });
    if (claimed) return 'go';
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.mailEvent(eventId),
        ConsistentRead: true,
      }),
    );
    if (Item?.status !== 'sending') return 'done';
    return {
      busyUntil: typeof Item.leaseUntil === 'number' ? Item.leaseUntil : now + leaseSeconds,
    };
  }

  async release(eventId: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.mailEvent(eventId),
          ConditionExpression: '#status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async suppress(eventId: string, reason: string): Promise<void> {
    await this.finish(eventId, { status: 'suppressed', reason });
  }

  async recordSent(mail: SentMail): Promise<void> {
    if (!mail.ticketId) {
      await this.finish(mail.eventId, {
        status: 'sent',
        providerMessageId: mail.providerMessageId,
      });
      return;
    }
    const ticketId = mail.ticketId;
    // One BatchWriteItem instead of four writes one after another: the mailer's store calls
    // are what limits its rate under load (docs/performance.md, acknowledgement lag). Each
    // item stands alone, as the four writes did.
    const references = [mail.ownMessageId, mail.providerMessageId].flatMap((messageId) => {
      const key = messageIdKey(messageId);
      return key
        ? [{ ...keys.mailReference(key), entity: 'mail-reference', ticketId, messageId }]
        : [];
    });
    await this.writeAll([
      { ...keys.sentMail(ticketId, mail.sentAt, mail.eventId), entity: 'mail', ...mail },
      ...references,
      {
        ...keys.mailEvent(mail.eventId),
        entity: 'mail-event',
        eventId: mail.eventId,
        status: 'sent',
        providerMessageId: mail.providerMessageId,
      },
    ]);
  }

  /** Puts up to 25 items with one BatchWriteItem, again for what DynamoDB left unprocessed. */
  private async writeAll(items: Record<string, unknown>[]): Promise<void> {
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      if (attempt > 8) throw new Error(`${pending.length} mail log items were not written`);
      const { UnprocessedItems } = await this.db.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
      );
      pending = (UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
    }
  }

  async thread(ticketId: string): Promise<string[]> {
    const mails = await queryCollection(
      this.db,
      this.tableName,
      keys.ticket(ticketId).pk,
      TICKET_COLLECTION.mails,
    );
    return mails.flatMap((mail) =>
      [mail.inboundMessageId, mail.ownMessageId, mail.providerMessageId].filter(
        (id): id is string => typeof id === 'string',
      ),
    );
  }

  async ticketOfMessageIds(messageIds: string[]): Promise<string | undefined> {
    const wanted = [...new Set(messageIds.map(messageIdKey).filter((k): k is string => !!k))]
      .slice(-50)
      .map(keys.mailReference);
    if (wanted.length === 0) return undefined;
    const found = await batchGet(this.db, this.tableName, wanted);
    const byPk = new Map(found.map((item) => [item.pk, String(item.ticketId)]));
    // The latest reference is the most specific; References lists the oldest first.
    return [...wanted]
      .reverse()
      .map((k) => byPk.get(k.pk))
      .find(Boolean);
  }

  async recordInbound(mail: {
    ticketId: string;
    messageId: string;
    receivedAt: string;
    rawMailKey?: string;
  }) {
    const key = messageIdKey(mail.messageId);
    if (!key) return;
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.sentMail(mail.ticketId, mail.receivedAt, `in.${key}`),
          entity: 'inbound-mail',
          ticketId: mail.ticketId,
          inboundMessageId: mail.messageId,
          receivedAt: mail.receivedAt,
          ...(mail.rawMailKey ? { rawMailKey: mail.rawMailKey } : {}),
        },
      }),
    );
    await this.putReference(mail.messageId, mail.ticketId);
  }

  /**
   * Remembers which ticket a Message-ID belongs to, for matching replies to it. Written
   * only if no ticket has it yet (or it is this one, for a retry): a mail that reuses a
   * Message-ID we know can never move that id, and the replies to it, to another ticket.
   */
  private async putReference(messageId: string, ticketId: string): Promise<void> {
    const key = messageIdKey(messageId);
    if (!key) return;
    const written = await conditionalPut(this.db, {
      TableName: this.tableName,
      Item: { ...keys.mailReference(key), entity: 'mail-reference', ticketId, messageId },
      ConditionExpression: 'attribute_not_exists(pk) OR ticketId = :ticketId',
      ExpressionAttributeValues: { ':ticketId': ticketId },
    });
    if (!written) {
      log('WARN', 'Message-ID already belongs to another ticket; reference kept', { ticketId });
    }
  }

  async sentMails(ticketId: string): Promise<SentMail[]> {
    return (await this.mailItems(ticketId))
      .filter((item) => typeof item.providerMessageId === 'string')
      .map((item) => withoutKeys<SentMail>(item));
  }

  private mailItems(ticketId: string) {
    return queryCollection(
      this.db,
      this.tableName,
      keys.ticket(ticketId).pk,
      TICKET_COLLECTION.mails,
    );
  }

  private async finish(id: string, outcome: Record<string, string>): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, string> = {};
    const sets = Object.entries(outcome).map(([name, value], i) => {
      names[`#a${i}`] = name;
      values[`:v${i}`] = value;
      return `#a${i} = :v${i}`;
    });
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.mailEvent(id),
        UpdateExpression: `SET ${sets.join(', ')} REMOVE leaseUntil`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }
}
