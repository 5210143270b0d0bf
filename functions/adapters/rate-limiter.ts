import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RateLimiter } from '../app/mail-ports';
import type { Clock } from '../app/ports';
import { isConditionFailure } from './dynamodb';
import { keys, TTL_ATTRIBUTE } from './table-design';

/** Rounds of read and conditional write before a limit that keeps losing races gives up. */
const ATTEMPTS = 8;

/**
 * Sliding-window limits: one item per key holds each user (event id) counted with the time
 * it was counted, so "at most N in the last hour" is exact at any moment, not per clock
 * hour (where 2N could go out around the hour). Read, drop what left the window, add, and
 * write back only if nobody wrote in between (a version); a retried event counts once.
 */
export class DynamoRateLimiter implements RateLimiter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async tryConsume(key: string, user: string, max: number, windowSeconds: number) {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const { Item } = await this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: keys.rateLimit(key),
          ConsistentRead: true,
        }),
      );
      const now = this.clock.now().getTime();
      const hits = (Item?.hits ?? {}) as Record<string, number>;
      if (user in hits) return true;
      const live = Object.entries(hits).filter(([, at]) => at > now - windowSeconds * 1000);
      if (live.length >= max) return false;
      const version = typeof Item?.version === 'number' ? Item.version : 0;
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...keys.rateLimit(key),
              entity: 'rate-limit',
              hits: Object.fromEntries([...live, [user, now]]),
              version: version + 1,
              [TTL_ATTRIBUTE]: Math.ceil(now / 1000) + windowSeconds,
            },
            ConditionExpression: Item ? '#version = :version' : 'attribute_not_exists(pk)',
            ...(Item
              ? {
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':version': version },
                }
              : {}),
          }),
        );
        return true;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // Someone counted in between: read again after a short random pause.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (attempt + 1)));
      }
    }
    throw new Error(`rate limit ${key.split(':')[0]} kept changing; try the event again`);
  }
}
