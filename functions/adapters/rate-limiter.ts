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
 * The highest limit counted event by event. A window holds each event it counted (about
 * 40 bytes each, DynamoDB allows 400 KB an item), and every count above the limit reads
 * the whole window; a limit above this (e.g. a limit lifted for a load test) counts per
 * minute instead ({@link DynamoRateLimiter}).
 */
export const EXACT_UP_TO = 1_000;

/** Minutes after a window's end in which a per-minute count is still removed. */
const MINUTE_SWEEP = 60;

/** Where the per-minute counts of a window above {@link EXACT_UP_TO} are kept. */
const MINUTE = 'm:';

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
    if (max > EXACT_UP_TO) return this.countPerMinute(key, max, windowSeconds);
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
            ':max': max,
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

  /**
   * A limit above {@link EXACT_UP_TO}: one UpdateItem adds 1 to this minute's count and
   * removes the counts of the hour after the window; the answer is whether the counts of
   * the window's minutes (this one included) stay within the limit. The item stays small
   * however busy the key. The price, at limits no abuse rule needs: a minute counts whole
   * while any of it is in the window, a retried event counts again, and a refused one
   * counts too — all three send less, never more; racing counts are each seen by DynamoDB.
   */
  private async countPerMinute(key: string, max: number, windowSeconds: number) {
    const now = this.clock.now().getTime();
    const minute = Math.floor(now / 60_000);
    const windowMinutes = Math.ceil(windowSeconds / 60);
    const names: Record<string, string> = {
      '#now': `${MINUTE}${minute}`,
      '#ttl': TTL_ATTRIBUTE,
    };
    const removed: string[] = [];
    // The window's minutes are minute − windowMinutes … minute: the oldest, partly in it,
    // counts whole. The hour before them is cleared as it goes.
    for (let m = minute - windowMinutes - MINUTE_SWEEP; m < minute - windowMinutes; m++) {
      names[`#r${removed.length}`] = `${MINUTE}${m}`;
      removed.push(`#r${removed.length}`);
    }
    const { Attributes = {} } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.rateLimit(key),
        UpdateExpression: `SET #ttl = :ttl, entity = :entity ADD #now :one REMOVE ${removed.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ':ttl': Math.ceil(now / 1000) + windowSeconds,
          ':entity': 'rate-limit',
          ':one': 1,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    let counted = 0;
    for (const [name, value] of Object.entries(Attributes)) {
      if (!name.startsWith(MINUTE) || typeof value !== 'number') continue;
      if (Number(name.slice(MINUTE.length)) >= minute - windowMinutes) counted += value;
    }
    return counted <= max;
  }

  private async read(key: string): Promise<Window | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.rateLimit(key), ConsistentRead: true }),
    );
    return (Item as Window | undefined) ?? null;
  }
}
