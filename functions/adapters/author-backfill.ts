import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { TicketMessage } from '../domain/message';
import { isConditionFailure } from './dynamodb';
import { authorKeysOf } from './message-repository';
import { keys } from './table-design';

/** The marker a finished backfill leaves, so later runs (every `npm start`) cost one read. */
const MARKER = { pk: 'MIGRATION#author-keys', sk: 'DONE' } as const;

/** What a backfill run did. */
export interface AuthorBackfillReport {
  /** Items the Scan read (every item of the table is read once). */
  scanned: number;
  /** Messages that got their author index keys. */
  updated: number;
  /** True when an earlier run had finished and nothing was read. */
  alreadyDone: boolean;
}

/**
 * Gives messages stored before the author index existed its keys (`authorPk`, `authorSk`),
 * so access and erasure find what a person wrote on other people's tickets in them too
 * (docs/data-model.md, "Adding an index"). One Scan of the table, one conditional
 * UpdateItem per such message: conditional on the message still having no keys and still
 * naming the same address, so a message written or erased meanwhile is left as it is. Safe
 * to run again; a finished run leaves a marker.
 */
export async function backfillAuthorKeys(
  db: DynamoDBDocumentClient,
  tableName: string,
  options: { force?: boolean } = {},
): Promise<AuthorBackfillReport> {
  if (!options.force) {
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: MARKER }));
    if (Item) return { scanned: 0, updated: 0, alreadyDone: true };
  }
  const report: AuthorBackfillReport = { scanned: 0, updated: 0, alreadyDone: false };
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression:
          'entity = :message AND attribute_not_exists(authorPk) AND attribute_exists(author.email)',
        ProjectionExpression: 'ticketId, messageId, createdAt, author',
        ExpressionAttributeValues: { ':message': 'message' },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    report.scanned += page.ScannedCount ?? 0;
    for (const item of page.Items ?? []) {
      const message = item as Pick<
        TicketMessage,
        'ticketId' | 'messageId' | 'createdAt' | 'author'
      >;
      const { authorPk, authorSk } = authorKeysOf(message as TicketMessage);
      if (!authorPk || !authorSk) continue;
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.message(message.ticketId, message.messageId),
            UpdateExpression: 'SET authorPk = :pk, authorSk = :sk',
            ConditionExpression:
              'attribute_exists(pk) AND attribute_not_exists(authorPk) AND author.email = :email',
            ExpressionAttributeValues: {
              ':pk': authorPk,
              ':sk': authorSk,
              ':email': message.author.email,
            },
          }),
        );
        report.updated++;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  await db.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...MARKER, entity: 'migration', at: new Date().toISOString(), ...report },
    }),
  );
  return report;
}
