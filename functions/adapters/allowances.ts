import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { coverableMinutes } from '../domain/work-entry';
import type { Allowances } from '../app/ports';
import { isConditionFailure } from './dynamodb';
import { keys } from './table-design';

/** Rounds of read-and-write before giving up; each lost round means another entry won. */
const ATTEMPTS = 50;

/**
 * One item per customer and month: the minutes used and, per entry, what it took. Taking
 * is a read followed by a write conditional on the minutes read (optimistic locking), so
 * two entries racing for the last minutes never both get them; the per-entry record makes
 * a retry of the same entry answer what it took the first time.
 */
export class DynamoAllowances implements Allowances {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async consume(
    customerId: string,
    month: string,
    entryId: string,
    wanted: number,
    included: number,
  ): Promise<number> {
    const key = keys.allowance(customerId, month);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      const taken = (Item?.consumed as Record<string, number> | undefined)?.[entryId];
      if (taken !== undefined) return taken;
      const used = Number(Item?.usedMinutes ?? 0);
      const covered = coverableMinutes(wanted, used, included);
      if (await this.take(key, Item !== undefined, used, entryId, covered)) return covered;
      // Someone else took minutes in between: back off a little and look again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
    }
    throw new Error(`allowance of ${customerId} for ${month} stayed contended`);
  }

  private async take(
    key: { pk: string; sk: string },
    exists: boolean,
    used: number,
    entryId: string,
    covered: number,
  ): Promise<boolean> {
    try {
      if (!exists) {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...key,
              entity: 'allowance',
              usedMinutes: covered,
              consumed: { [entryId]: covered },
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } else {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET #used = :next, #consumed.#entry = :covered',
            ConditionExpression: '#used = :used AND attribute_not_exists(#consumed.#entry)',
            // Both names are DynamoDB reserved words.
            ExpressionAttributeNames: {
              '#used': 'usedMinutes',
              '#consumed': 'consumed',
              '#entry': entryId,
            },
            ExpressionAttributeValues: {
              ':next': used + covered,
              ':used': used,
              ':covered': covered,
            },
          }),
        );
      }
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
