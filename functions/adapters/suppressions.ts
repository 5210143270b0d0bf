import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Suppressions } from '../app/mail-ports';
import type { Suppression } from '../domain/mail/mail-feedback';
import { addressHash } from '../domain/privacy';
import { conditionalPut } from './conditional-put';
import { keys } from './table-design';

/**
 * One item per suppressed address, keyed by the hash of the normalised address (as the
 * acknowledgement limits are): it holds the reason, the time and SES's feedback id, never
 * the address, so an erasure has nothing to find in it and a stolen table lists no one.
 */
export class DynamoSuppressions implements Suppressions {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async find(email: string): Promise<Suppression | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.suppressedAddress(addressHash(email)),
      }),
    );
    if (!Item) return undefined;
    return {
      reason: Item.reason === 'complaint' ? 'complaint' : 'bounce',
      at: String(Item.at),
      feedbackId: String(Item.feedbackId),
    };
  }

  async record(email: string, suppression: Suppression): Promise<void> {
    // The first report stays: a later one of the same address changes nothing.
    await conditionalPut(this.db, {
      TableName: this.tableName,
      Item: {
        ...keys.suppressedAddress(addressHash(email)),
        entity: 'suppressed-address',
        reason: suppression.reason,
        at: suppression.at,
        feedbackId: suppression.feedbackId,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  }
}
