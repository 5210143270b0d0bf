import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { portalPartitionOf } from '../domain/portal';
import type { Ticket } from '../domain/ticket';
import { isConditionFailure } from './dynamodb';
import { keys } from './table-design';
import { scanPages } from './query-collection';

/** The marker a finished backfill leaves, so later runs (every `npm start`) cost one read. */
const MARKER = { pk: 'MIGRATION#portal-keys', sk: 'DONE' } as const;

/** What a backfill run did. */
export interface BackfillReport {
  /** Items the Scan read (every item of the table is read once). */
  scanned: number;
  /** Tickets that got their portal index keys. */
  updated: number;
  /** True when an earlier run had finished and nothing was read. */
  alreadyDone: boolean;
}

/**
 * Gives tickets stored before the customer portal existed their portal index keys
 * (`portalPk`, `portalSk`), so they are listed in the portal like newer ones
 * (docs/operations.md, "After deploying the portal"). A one-off: one Scan of the table
 * (the tickets without the keys cannot be found any other way), one conditional UpdateItem
 * per such ticket. Safe under traffic: a ticket written meanwhile carries the keys already
 * (the condition leaves it alone), and the keys are derived from fields that never change
 * after receipt except the customer, whose change rewrites the whole item. Safe to run
 * again: it resumes from nothing, and a finished run leaves a marker.
 */
export async function backfillPortalKeys(
  db: DynamoDBDocumentClient,
  tableName: string,
  options: { force?: boolean } = {},
): Promise<BackfillReport> {
  if (!options.force) {
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: MARKER }));
    if (Item) return { scanned: 0, updated: 0, alreadyDone: true };
  }
  const report: BackfillReport = { scanned: 0, updated: 0, alreadyDone: false };
  for await (const page of scanPages(db, {
    TableName: tableName,
    FilterExpression: 'entity = :ticket AND attribute_not_exists(portalPk)',
    ProjectionExpression: 'ticketId, receivedAt, customer, requester',
    ExpressionAttributeValues: { ':ticket': 'ticket' },
  })) {
    report.scanned += page.ScannedCount ?? 0;
    for (const item of page.Items ?? []) {
      const ticket = item as Pick<Ticket, 'ticketId' | 'receivedAt' | 'customer' | 'requester'>;
      const partition = portalPartitionOf(ticket);
      // A phone caller we know no address of is in no portal, then as now.
      if (!partition) continue;
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.ticket(ticket.ticketId),
            UpdateExpression: 'SET portalPk = :pk, portalSk = :sk',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(portalPk)',
            ExpressionAttributeValues: {
              ':pk': partition,
              ':sk': keys.portalSort(ticket.receivedAt, ticket.ticketId),
            },
          }),
        );
        report.updated++;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
  }
  await db.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...MARKER, entity: 'migration', at: new Date().toISOString(), ...report },
    }),
  );
  return report;
}
