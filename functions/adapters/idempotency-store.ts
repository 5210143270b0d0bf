import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock, IdempotencyStore, IdempotentSubmission } from '../app/ports';
import { conditionalPut } from './conditional-put';
import { keys, TTL_ATTRIBUTE } from './table-design';

/** How long a retried submission still finds the ticket its first attempt made. */
const RETENTION_SECONDS = 24 * 60 * 60;

/**
 * Idempotency-Key records: one conditional put per key, expired by DynamoDB's TTL. They
 * hold the access token's nonce, never the token (it is derived again with the secret).
 */
export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async claim(
    key: string,
    submission: IdempotentSubmission,
  ): Promise<IdempotentSubmission | undefined> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const claimed = await conditionalPut(this.db, {
      TableName: this.tableName,
      Item: {
        ...keys.idempotency(key),
        entity: 'idempotency',
        ...submission,
        [TTL_ATTRIBUTE]: now + RETENTION_SECONDS,
      },
      // TTL deletes lazily, so an expired record may still be there: it is free again.
      ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
      ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
      ExpressionAttributeValues: { ':now': now },
    });
    if (claimed) return undefined;
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.idempotency(key),
        ConsistentRead: true,
      }),
    );
    if (!Item) throw new Error(`idempotency record ${key} vanished`);
    const { fingerprint, ticketId, receivedAt, tokenNonce } = Item as IdempotentSubmission;
    return { fingerprint, ticketId, receivedAt, tokenNonce };
  }
}
