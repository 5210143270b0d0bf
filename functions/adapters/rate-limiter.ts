import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { rateWindowStart } from '../domain/mail/mail-policy';
import type { RateLimiter } from '../app/mail-ports';
import type { Clock } from '../app/ports';
import { isConditionFailure } from './dynamodb';
import { keys, TTL_ATTRIBUTE } from './table-design';

/**
 * Fixed-window counters, one item per key and window, counted with one conditional update.
 * The item holds the set of users (event ids) counted, so a retried event counts once.
 */
export class DynamoRateLimiter implements RateLimiter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async tryConsume(key: string, user: string, max: number, windowSeconds: number) {
    const windowStart = rateWindowStart(this.clock.now(), windowSeconds);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.rateCounter(key, windowStart),
          UpdateExpression: 'ADD #users :user SET #ttl = :expires',
          ConditionExpression:
            'attribute_not_exists(#users) OR size(#users) < :max OR contains(#users, :name)',
          ExpressionAttributeNames: { '#users': 'users', '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':user': new Set([user]),
            ':name': user,
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
