import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { rateWindowStart } from '../domain/mail/mail-policy';
import type { RateLimiter } from '../app/mail-ports';
import type { Clock } from '../app/ports';
import { isConditionFailure } from './dynamodb';
import { keys, TTL_ATTRIBUTE } from './table-design';

/** Fixed-window counters, one item per key and window, counted with one conditional update. */
export class DynamoRateLimiter implements RateLimiter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async tryConsume(key: string, max: number, windowSeconds: number): Promise<boolean> {
    const windowStart = rateWindowStart(this.clock.now(), windowSeconds);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.rateCounter(key, windowStart),
          UpdateExpression: 'ADD #count :one SET #ttl = :expires',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
          ExpressionAttributeNames: { '#count': 'count', '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':one': 1,
            ':max': max,
            ':expires': windowStart + 2 * windowSeconds,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
