import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { RateLimiter } from '../app/mail-ports';
import type { Clock } from '../app/ports';
import { isConditionFailure } from './dynamodb';
import { keys, TTL_ATTRIBUTE } from './table-design';

/** Rounds of read and conditional write before a limit that keeps losing races gives up. */
const ATTEMPTS = 8;

/**
 * Entries a window may hold before a count takes the slow path and drops those that left
 * the window. Bounds the item (about 40 bytes an entry, DynamoDB allows 400 KB) for limits
 * far above any default; a limit below it prunes when it is reached.
 */
export const PRUNE_AT = 1_000;

/** A window as stored: each counted user as an attribute `h:<user>` holding when. */
type Window = Record<string, unknown> & { version?: number };

/** Where a user's count is kept in the window's item. */
const HIT = 'h:';

/** The users counted in a window and when; `hits` is where items before issue 12 kept them. */
function hitsOf(item: Window | null): [string, number][] {
  if (!item) return [];
  const legacy = (item.hits ?? {}) as Record<string, number>;
  return [
    ...Object.entries(legacy),
    ...Object.entries(item)
      .filter(([name, at]) => name.startsWith(HIT) && typeof at === 'number')
      .map(([name, at]) => [name.slice(HIT.length), at as number] as [string, number]),
  ];
}

/**
 * Sliding-window limits: one item per key holds each user (event id) counted with the time
 * it was counted, so "at most N in the last hour" is exact at any moment, not per clock
 * hour (where 2N could go out around the hour). A retried event counts once.
 *
 * Most counts are one conditional UpdateItem: add the user if the window holds fewer than
 * `max` entries (`n`; expired ones included, so it never lets one too many through) and
 * not the user yet; on a new key it makes the window. DynamoDB applies it atomically, so
 * acknowledgements to one busy domain or client no longer race each other (read, then
 * write if nobody wrote in between lost most rounds under load: issue 12). Only a full
 * window (drop what left it, then decide) and a retried user read the item; its `version`,
 * raised by every write, makes that read-and-write safe against the one-call counts.
 */
export class DynamoRateLimiter implements RateLimiter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async tryConsume(key: string, user: string, max: number, windowSeconds: number) {
    let known = await this.countAtOnce(key, user, max, windowSeconds);
    if (known === true) return true;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const item = known ?? (await this.read(key));
      known = undefined;
      const now = this.clock.now().getTime();
      const hits = hitsOf(item);
      if (hits.some(([counted]) => counted === user)) return true;
      const live = hits.filter(([, at]) => at > now - windowSeconds * 1000);
      if (live.length >= max) return false;
      const version = typeof item?.version === 'number' ? item.version : 0;
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...keys.rateLimit(key),
              entity: 'rate-limit',
              ...Object.fromEntries([...live, [user, now]].map(([u, at]) => [`${HIT}${u}`, at])),
              n: live.length + 1,
              version: version + 1,
              [TTL_ATTRIBUTE]: Math.ceil(now / 1000) + windowSeconds,
            },
            ConditionExpression: item ? '#version = :version' : 'attribute_not_exists(pk)',
            ...(item
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

  /**
   * The one-call count: true when counted; otherwise the window as it was, or undefined
   * when DynamoDB did not return it (the local stand-in does not), for the careful path.
   */
  private async countAtOnce(
    key: string,
    user: string,
    max: number,
    windowSeconds: number,
  ): Promise<true | Window | null | undefined> {
    const now = this.clock.now().getTime();
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.rateLimit(key),
          UpdateExpression:
            'SET #hit = :now, #ttl = :ttl, entity = :entity ADD #version :one, n :one',
          ConditionExpression:
            'attribute_not_exists(#hit) AND (attribute_not_exists(pk) OR n < :max)',
          ExpressionAttributeNames: {
            '#hit': `${HIT}${user}`,
            '#ttl': TTL_ATTRIBUTE,
            '#version': 'version',
          },
          ExpressionAttributeValues: {
            ':now': now,
            ':ttl': Math.ceil(now / 1000) + windowSeconds,
            ':entity': 'rate-limit',
            ':one': 1,
            ':max': Math.min(max, PRUNE_AT),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const old = (error as { Item?: Record<string, AttributeValue> }).Item;
      if (old === undefined) return undefined;
      return Object.keys(old).length > 0 ? (unmarshall(old) as Window) : null;
    }
  }

  private async read(key: string): Promise<Window | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.rateLimit(key), ConsistentRead: true }),
    );
    return (Item as Window | undefined) ?? null;
  }
}
