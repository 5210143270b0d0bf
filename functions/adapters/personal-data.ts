import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { normalizeEmail } from '../domain/customer';
import type { TicketMessage } from '../domain/message';
import { ERASED } from '../domain/privacy';
import type { WorkEntry } from '../domain/work-entry';
import type { ErasureJob, ErasureJobs, MailRecord, PersonalData } from '../app/privacy';
import { isConditionFailure } from './dynamodb';
import { authorKeysOf, messageOfItem } from './message-repository';
import { queryCollection, queryPages } from './query-collection';
import {
  AUTHOR_INDEX,
  BILLING_INDEX,
  keys,
  TICKET_COLLECTION,
  TTL_ATTRIBUTE,
} from './table-design';
import { workEntryItem } from './work-entry-repository';

/**
 * The writes of an erasure or a retention run (SPEC §13): messages, work entries and mail
 * records replaced by their anonymised form, verified-address records deleted. History
 * records are never touched: a message or work entry is put again with the same record,
 * which holds no personal data.
 */
export class DynamoPersonalData implements PersonalData, ErasureJobs {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async replaceMessage(message: TicketMessage): Promise<void> {
    // Fields set, others removed; the message's history record is never written again.
    await this.update(keys.message(message.ticketId, message.messageId), {
      body: message.body,
      author: message.author,
      attachments: message.attachments,
      rawMailKey: message.rawMailKey,
      // Without an address the message leaves the author index (its key held the address).
      authorPk: undefined,
      authorSk: undefined,
      ...authorKeysOf(message),
    });
  }

  async get(erasureId: string): Promise<ErasureJob | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.erasureJob(erasureId),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, entity: _entity, [TTL_ATTRIBUTE]: _ttl, ...job } = Item;
    return job as ErasureJob;
  }

  async put(job: ErasureJob): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...job,
          ...keys.erasureJob(job.erasureId),
          entity: 'erasure',
          // The record of what an erasure did (no address in it) goes after 90 days.
          [TTL_ATTRIBUTE]: Math.floor(Date.parse(job.updatedAt) / 1000) + 90 * 24 * 3600,
        },
      }),
    );
  }

  async *messagesBy(email: string): AsyncIterable<TicketMessage[]> {
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      IndexName: AUTHOR_INDEX.indexName,
      KeyConditionExpression: '#pk = :author',
      ExpressionAttributeNames: { '#pk': AUTHOR_INDEX.partitionKey },
      ExpressionAttributeValues: { ':author': keys.author(normalizeEmail(email)) },
    })) {
      const messages = (page.Items ?? []).map(messageOfItem);
      if (messages.length) yield messages;
    }
  }

  async replaceWorkEntry(entry: WorkEntry): Promise<void> {
    const item = workEntryItem(entry);
    await this.update(keys.workEntry(entry.ticketId, entry.entryId), {
      description: entry.description,
      customer: entry.customer,
      agent: entry.agent,
      // The billing sort key names a customer without a record: it follows the name.
      [BILLING_INDEX.sortKey]: item[BILLING_INDEX.sortKey],
    });
  }

  async mailsOf(ticketId: string): Promise<MailRecord[]> {
    const items = await queryCollection(
      this.db,
      this.tableName,
      keys.ticket(ticketId).pk,
      TICKET_COLLECTION.mails,
    );
    return items.map((item) => ({
      sk: String(item.sk),
      direction: typeof item.inboundMessageId === 'string' ? 'in' : 'out',
      at: String(item.sentAt ?? item.receivedAt ?? ''),
      ...(typeof item.kind === 'string' ? { kind: item.kind } : {}),
      ...(typeof item.to === 'string' ? { to: item.to } : {}),
      ...(typeof item.subject === 'string' ? { subject: item.subject } : {}),
      ...(typeof item.rawMailKey === 'string' ? { rawMailKey: item.rawMailKey } : {}),
    }));
  }

  async eraseMail(ticketId: string, mail: MailRecord): Promise<boolean> {
    const personal = mail.direction === 'out' && (mail.to !== ERASED || mail.subject !== ERASED);
    if (!personal && mail.rawMailKey === undefined) return false;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.ticket(ticketId).pk, sk: mail.sk },
          UpdateExpression:
            mail.direction === 'out'
              ? 'SET #to = :erased, #subject = :erased REMOVE toName, rawMailKey'
              : 'REMOVE rawMailKey',
          ConditionExpression: 'attribute_exists(pk)',
          ...(mail.direction === 'out'
            ? {
                ExpressionAttributeNames: { '#to': 'to', '#subject': 'subject' },
                ExpressionAttributeValues: { ':erased': ERASED },
              }
            : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async forgetVerifiedAddress(email: string): Promise<boolean> {
    const { Attributes } = await this.db.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: keys.verifiedAddress(normalizeEmail(email)),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes !== undefined;
  }

  /**
   * Sets the defined fields and removes the undefined ones of an item that exists (an
   * erasure never makes one).
   */
  private async update(
    key: { pk: string; sk: string },
    fields: Record<string, unknown>,
  ): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    Object.entries(fields).forEach(([name, value], i) => {
      names[`#f${i}`] = name;
      if (value === undefined) removes.push(`#f${i}`);
      else {
        values[`:v${i}`] = value;
        sets.push(`#f${i} = :v${i}`);
      }
    });
    const expression = [
      sets.length ? `SET ${sets.join(', ')}` : '',
      removes.length ? `REMOVE ${removes.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ...(sets.length ? { ExpressionAttributeValues: values } : {}),
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
