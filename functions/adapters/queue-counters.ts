import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ClaimHistory } from '../domain/queue-estimate';
import { isBusinessHour, RATE_WINDOW_DAYS } from '../domain/queue-estimate';
import {
  bucketOf,
  counterMoves,
  type DayCounter,
  groupOfBucket,
  type QueueStanding,
  standingOf,
  waitingByGroup,
} from '../domain/queue-position';
import type { Group } from '../domain/ticket';
import type { Clock, QueueCounters } from '../app/ports';
import { isConditionFailure } from './dynamodb';
import {
  CLAIM_TALLY_PARTITION,
  keys,
  QUEUE_COUNTER_PARTITION,
  QUEUE_INDEX,
  QUEUE_PARTITION,
  TTL_ATTRIBUTE,
} from './table-design';

/** Claims tallied by this instance are written at most this often (one small write). */
const TALLY_FLUSH_MS = 5_000;
/** The stored tally read by this instance serves its estimates for this long. */
const HISTORY_TTL_MS = 60_000;
/** Tally items outlive the rate window by a day, then TTL removes them. */
const TALLY_TTL_S = (RATE_WINDOW_DAYS + 1) * 24 * 3600;

/**
 * The queue's day buckets and the claim tally in the single table. Every ticket write that
 * puts a ticket into the queue, takes it out or moves it (DynamoTicketRepository) is followed
 * by an atomic ADD on the bucket(s) it left and entered; the ticket's conditional write
 * decides first, so each change is counted exactly once.
 */
export class DynamoQueueCounters implements QueueCounters {
  private pending = new Map<string, Record<Group, number>>();
  private lastFlush = 0;
  /** The stored claims of the window as last read, with when (a statistic: 60 s old at most). */
  private stored?: { readAt: number; history: ClaimHistory };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async moved(before: string | undefined, after: string | undefined): Promise<void> {
    const moves = counterMoves(before, after);
    const byGroup: Record<Group, number> = { contract: 0, standard: 0 };
    for (const { bucket, delta } of moves) byGroup[groupOfBucket(bucket.day)] += delta;
    await Promise.all([
      ...moves.map(({ bucket, delta }) => this.add(bucket.day, bucket.hour, delta)),
      // The totals per group change only when the ticket enters, leaves or changes group.
      ...(byGroup.contract !== 0 || byGroup.standard !== 0 ? [this.addTotals(byGroup)] : []),
    ]);
  }

  private async add(day: string, hour: string, delta: number): Promise<void> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.queueCounter(day),
        UpdateExpression: 'ADD n :d, #hour :d SET entity = :entity',
        ExpressionAttributeNames: { '#hour': hour },
        ExpressionAttributeValues: { ':d': delta, ':entity': 'queueCounter' },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    // An empty bucket is removed, so a position read only meets buckets that hold tickets.
    // The condition keeps a bucket another write has just entered.
    if (delta < 0 && Number(Attributes?.n) === 0) {
      try {
        await this.db.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: keys.queueCounter(day),
            ConditionExpression: 'n = :zero',
            ExpressionAttributeValues: { ':zero': 0 },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
  }

  private async addTotals(delta: Record<Group, number>): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.queueTotals(),
        UpdateExpression: 'ADD contract :c, standard :s SET entity = :entity',
        ExpressionAttributeValues: {
          ':c': delta.contract,
          ':s': delta.standard,
          ':entity': 'queueTotals',
        },
      }),
    );
  }

  async standing(queueKey: string, ticketId: string): Promise<QueueStanding> {
    const bucket = bucketOf(queueKey);
    // The tickets of its own hour ahead of it are counted in the index: from the start of
    // the hour up to it, or, when fewer are likely behind it (the second half of the hour,
    // or the current hour, where it is among the newest), from it to the end of the hour,
    // subtracted from the hour's count. A burst of tickets within an hour then costs the
    // status pages of the newest ones (and their acknowledgements) nothing.
    const minute = Number(
      queueKey.slice(bucket.hourPrefix.length + 1, bucket.hourPrefix.length + 3),
    );
    const currentHour = new Date().toISOString().slice(0, 13);
    const countBehind = minute >= 30 || bucket.hourPrefix.endsWith(currentHour);
    // Three reads at once: the totals of the day buckets before this one (only `n`, so the
    // answer stays small however many hours they hold), this day bucket with its hours, and
    // the COUNT within its own hour.
    const [before, own, counted] = await Promise.all([
      this.dayCounters({ below: bucket.day }),
      this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: keys.queueCounter(bucket.day),
          ConsistentRead: true,
        }),
      ),
      this.count({
        TableName: this.tableName,
        IndexName: QUEUE_INDEX.indexName,
        KeyConditionExpression: '#pk = :queue AND #sk BETWEEN :from AND :to',
        FilterExpression: 'ticketId <> :me',
        ExpressionAttributeNames: { '#pk': QUEUE_INDEX.partitionKey, '#sk': QUEUE_INDEX.sortKey },
        ExpressionAttributeValues: {
          ':queue': QUEUE_PARTITION,
          // ';' sorts right after ':', so `<hour prefix>;` is past every key of that hour.
          ...(countBehind
            ? { ':from': queueKey, ':to': `${bucket.hourPrefix};` }
            : { ':from': bucket.hourPrefix, ':to': queueKey }),
          ':me': ticketId,
        },
        Select: 'COUNT',
      }),
    ]);
    const ownDay = own.Item ? toDayCounter(own.Item) : undefined;
    const inHour = ownDay?.hours[bucket.hour] ?? 0;
    const aheadInHour = countBehind ? Math.max(0, inHour - 1 - counted) : counted;
    return standingOf(bucket, ownDay ? [...before, ownDay] : before, aheadInHour);
  }

  async waiting(): Promise<Record<Group, number>> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.queueTotals(), ConsistentRead: true }),
    );
    return {
      contract: Math.max(0, Number(Item?.contract ?? 0)),
      standard: Math.max(0, Number(Item?.standard ?? 0)),
    };
  }

  /**
   * The totals (`n`, no hours) of the day buckets, all or those sorting before `below`,
   * read strongly consistent.
   */
  private async dayCounters(range: { below?: string }): Promise<DayCounter[]> {
    const counters: DayCounter[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: range.below ? 'pk = :p AND sk < :below' : 'pk = :p',
          ProjectionExpression: 'sk, n',
          ExpressionAttributeValues: {
            ':p': QUEUE_COUNTER_PARTITION,
            ...(range.below ? { ':below': range.below } : {}),
          },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) counters.push(toDayCounter(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return counters;
  }

  private async count(input: QueryCommandInput): Promise<number> {
    let total = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
      );
      total += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return total;
  }

  async claimed(group: Group, at: Date): Promise<void> {
    if (isBusinessHour(at)) {
      const hour = at.toISOString().slice(0, 13);
      const tally = this.pending.get(hour) ?? { contract: 0, standard: 0 };
      tally[group] += 1;
      this.pending.set(hour, tally);
    }
    if (this.pending.size > 0 && this.clock.now().getTime() - this.lastFlush >= TALLY_FLUSH_MS) {
      await this.flushTally();
    }
  }

  /**
   * Writes this instance's tallied claims: one ADD per hour with claims. The rate is a
   * statistic for an estimate, so claims of an instance that ends before its next flush
   * (at most 5 s of them) may go uncounted.
   */
  async flushTally(): Promise<void> {
    const pending = this.pending;
    this.pending = new Map();
    this.lastFlush = this.clock.now().getTime();
    // What this instance wrote is in the store now; read it with the rest next time.
    this.stored = undefined;
    const expiresAt = Math.floor(this.lastFlush / 1000) + TALLY_TTL_S;
    await Promise.all(
      [...pending].map(([hour, tally]) =>
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.claimTally(hour),
            UpdateExpression: 'ADD contract :c, standard :s SET #ttl = :ttl, entity = :entity',
            ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
            ExpressionAttributeValues: {
              ':c': tally.contract,
              ':s': tally.standard,
              ':ttl': expiresAt,
              ':entity': 'claimTally',
            },
          }),
        ),
      ),
    );
  }

  async claimHistory(now: Date): Promise<ClaimHistory> {
    if (!this.stored || now.getTime() - this.stored.readAt >= HISTORY_TTL_MS) {
      this.stored = { readAt: now.getTime(), history: await this.readClaimHistory(now) };
    }
    const { claims, since } = this.stored.history;
    // This instance's own claims not yet written count too.
    const total = { ...claims };
    for (const tally of this.pending.values()) {
      total.contract += tally.contract;
      total.standard += tally.standard;
    }
    return { claims: total, since };
  }

  /** The claims tallied in the store over the rate window before `now`. */
  private async readClaimHistory(now: Date): Promise<ClaimHistory> {
    const hourMs = 3_600_000;
    const since = new Date(
      Math.floor((now.getTime() - RATE_WINDOW_DAYS * 24 * hourMs) / hourMs) * hourMs,
    );
    const claims: Record<Group, number> = { contract: 0, standard: 0 };
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :p AND sk >= :since',
          ExpressionAttributeValues: {
            ':p': CLAIM_TALLY_PARTITION,
            ':since': since.toISOString().slice(0, 13),
          },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        claims.contract += Number(item.contract ?? 0);
        claims.standard += Number(item.standard ?? 0);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return { claims, since };
  }

  /**
   * Derives every day bucket afresh from the queue index (one paged Query of the keys) and
   * replaces the stored buckets with them: the repair after a process ended between a
   * ticket's write and its counter update, and the start for a queue that existed before
   * the counters. Run it while nobody changes the queue; it returns the tickets counted.
   */
  async recount(): Promise<number> {
    const fresh = new Map<string, DayCounter>();
    let startKey: Record<string, unknown> | undefined;
    let counted = 0;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: QUEUE_INDEX.indexName,
          KeyConditionExpression: '#pk = :queue',
          ProjectionExpression: '#sk',
          ExpressionAttributeNames: { '#pk': QUEUE_INDEX.partitionKey, '#sk': QUEUE_INDEX.sortKey },
          ExpressionAttributeValues: { ':queue': QUEUE_PARTITION },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const bucket = bucketOf(String(item[QUEUE_INDEX.sortKey]));
        const counter = fresh.get(bucket.day) ?? { day: bucket.day, total: 0, hours: {} };
        counter.total += 1;
        counter.hours[bucket.hour] = (counter.hours[bucket.hour] ?? 0) + 1;
        fresh.set(bucket.day, counter);
        counted += 1;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const stale = (await this.dayCounters({})).filter((c) => !fresh.has(c.day));
    const totals = waitingByGroup([...fresh.values()]);
    const writes: (() => Promise<unknown>)[] = [
      () =>
        this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...keys.queueTotals(), entity: 'queueTotals', ...totals },
          }),
        ),
      ...[...fresh.values()].map(
        (c) => () =>
          this.db.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { ...keys.queueCounter(c.day), entity: 'queueCounter', n: c.total, ...c.hours },
            }),
          ),
      ),
      ...stale.map(
        (c) => () =>
          this.db.send(
            new DeleteCommand({ TableName: this.tableName, Key: keys.queueCounter(c.day) }),
          ),
      ),
    ];
    for (let i = 0; i < writes.length; i += 16) {
      await Promise.all(writes.slice(i, i + 16).map((write) => write()));
    }
    return counted;
  }
}

const HOUR_ATTRIBUTE = /^h\d{2}$/;

function toDayCounter(item: Record<string, unknown>): DayCounter {
  const hours: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (HOUR_ATTRIBUTE.test(name)) hours[name] = Number(value);
  }
  return { day: String(item.sk), total: Number(item.n ?? 0), hours };
}
