import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
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
import { queryPages } from './query-collection';

/** Claims tallied by this instance are written at most this often (one small write). */
const TALLY_FLUSH_MS = 5_000;
/** The stored tally read by this instance serves its estimates for this long. */
const HISTORY_TTL_MS = 60_000;
/** Tally items outlive the rate window by a day, then TTL removes them. */
const TALLY_TTL_S = (RATE_WINDOW_DAYS + 1) * 24 * 3600;

/** What a repair run found and did (see {@link DynamoQueueCounters.repair}). */
export interface RepairReport {
  /** Waiting tickets in the queue index. */
  counted: number;
  /** Buckets whose stored counts were corrected. */
  corrected: number;
  /** Buckets that disagree with the index for the first time (corrected next run if still so). */
  suspected: number;
  /** Empty buckets removed. */
  removed: number;
}

/**
 * The queue's day buckets and the claim tally in the single table. Every ticket write that
 * puts a ticket into the queue, takes it out or moves it (DynamoTicketRepository) is followed
 * by ONE atomic ADD on the bucket it left or entered (two only when a waiting ticket moves
 * between buckets); the ticket's conditional write decides first, so each change is counted
 * once. Each ADD also bumps the bucket's `v`, which the repair uses to tell a bucket that
 * stayed still from one that is being written.
 */
export class DynamoQueueCounters implements QueueCounters {
  private pending = new Map<string, Record<Group, number>>();
  private lastFlush = 0;
  /** The stored claims of the window as last read, with when (a statistic: 60 s old at most). */
  private stored?: { readAt: number; history: ClaimHistory };
  /**
   * Every bucket's `n` and version `v` as this instance last read them, and the states its
   * own writes returned since that read started: per bucket the state with the higher
   * version wins, so a change is never counted twice nor missed by this instance.
   */
  private totals?: { readAt: number; buckets: Map<string, BucketState> };
  private ownSinceRead = new Map<string, BucketState>();
  private readingTotals: Promise<void> | undefined;
  /** All buckets with their hours as last read for acknowledgements, and the read under way. */
  private allBuckets?: { startedAt: number; counters: DayCounter[] };
  private readonly readingBuckets = new Set<{ startedAt: number; read: Promise<DayCounter[]> }>();
  /** Per day bucket: the changes gathering for its next write, and the write in flight. */
  private readonly gathering = new Map<
    string,
    { deltas: Map<string, number>; write: Promise<void> }
  >();
  private readonly writing = new Map<string, Promise<void>>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async moved(before: string | undefined, after: string | undefined): Promise<void> {
    const moves = counterMoves(before, after);
    await Promise.all(moves.map(({ bucket, delta }) => this.add(bucket.day, bucket.hour, delta)));
  }

  /**
   * Adds `delta` to a bucket's hour (and total). Changes of one bucket are sent as one
   * write: while a write to the bucket is in flight, the next changes gather and go out
   * together when it returns (each caller waits for the write that carries its change). A
   * lone change goes out at once; concurrent claims on the head bucket of one instance
   * share writes. `ADD` commutes, so the sum is exact whatever the order.
   */
  private add(day: string, hour: string, delta: number): Promise<void> {
    let batch = this.gathering.get(day);
    if (!batch) {
      const deltas = new Map<string, number>();
      const previous = this.writing.get(day) ?? Promise.resolve();
      const write = previous
        .catch(() => {})
        .then(() => {
          // From here on, changes of this bucket gather for the next write.
          if (this.gathering.get(day)?.deltas === deltas) this.gathering.delete(day);
          return this.write(day, deltas);
        });
      batch = { deltas, write };
      this.gathering.set(day, batch);
      this.writing.set(day, write);
      void write
        .finally(() => {
          if (this.writing.get(day) === write) this.writing.delete(day);
        })
        .catch(() => {});
    }
    batch.deltas.set(hour, (batch.deltas.get(hour) ?? 0) + delta);
    return batch.write;
  }

  /** One small write: the bucket's total, its hours and its version. No read, no return. */
  private async write(day: string, deltas: Map<string, number>): Promise<void> {
    const changed = [...deltas].filter(([, d]) => d !== 0);
    if (changed.length === 0) return;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':one': 1, ':entity': 'queueCounter' };
    let total = 0;
    const adds = changed.map(([hour, d], i) => {
      names[`#h${i}`] = hour;
      values[`:d${i}`] = d;
      total += d;
      return `#h${i} :d${i}`;
    });
    values[':n'] = total;
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.queueCounter(day),
        UpdateExpression: `ADD n :n, ${adds.join(', ')}, v :one SET entity = :entity`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        // The bucket's count and version after this write (free; a few bytes).
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const state = { n: Number(Attributes?.n ?? 0), v: Number(Attributes?.v ?? 0) };
    const known = this.ownSinceRead.get(day);
    if (!known || known.v < state.v) this.ownSinceRead.set(day, state);
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

  /**
   * How many tickets wait ahead of a new ticket that is about to enter the queue with this
   * key (SPEC §10: "at receipt"): all buckets as read at or after `since` (one Query of every
   * bucket with its hours, shared by the new tickets of this instance that accept it), minus
   * the tickets of its own hour whose keys sort after it (a COUNT over the few received after
   * it, read now). Called before the ticket is stored, so it does not count itself.
   */
  async aheadOfNew(queueKey: string, since: Date): Promise<QueueStanding> {
    const bucket = bucketOf(queueKey);
    const [buckets, behind] = await Promise.all([
      this.bucketsSince(since.getTime()),
      this.count({
        TableName: this.tableName,
        IndexName: QUEUE_INDEX.indexName,
        // `queueKey` itself is not stored yet, so BETWEEN counts only those after it.
        KeyConditionExpression: '#pk = :queue AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': QUEUE_INDEX.partitionKey, '#sk': QUEUE_INDEX.sortKey },
        ExpressionAttributeValues: {
          ':queue': QUEUE_PARTITION,
          ':from': queueKey,
          ':to': `${bucket.hourPrefix};`,
        },
        Select: 'COUNT',
      }),
    ]);
    const inHour = buckets.find((c) => c.day === bucket.day)?.hours[bucket.hour] ?? 0;
    return standingOf(bucket, buckets, Math.max(0, inHour - behind));
  }

  /**
   * Every bucket with its hours, from a read started at or after `since`: the last one, one
   * under way, or a new one (never waiting behind an older read).
   */
  private async bucketsSince(since: number): Promise<DayCounter[]> {
    if (this.allBuckets && this.allBuckets.startedAt >= since) return this.allBuckets.counters;
    const underWay = [...this.readingBuckets].find((r) => r.startedAt >= since);
    if (underWay) return underWay.read;
    const startedAt = this.clock.now().getTime();
    const reading = {
      startedAt,
      read: this.storedBuckets().then((stored) => {
        const counters = [...stored.values()];
        if (!this.allBuckets || this.allBuckets.startedAt < startedAt) {
          this.allBuckets = { startedAt, counters };
        }
        return counters;
      }),
    };
    this.readingBuckets.add(reading);
    try {
      return await reading.read;
    } finally {
      this.readingBuckets.delete(reading);
    }
  }

  /**
   * Waiting tickets per group: the sum of all day buckets (one Query of their totals). With
   * `maxAgeMs`, a sum this instance read at most that long ago serves, plus the changes this
   * instance made since (a claim reason, not a position: changes other instances made in
   * that time are not in it).
   */
  async waiting(maxAgeMs = 0): Promise<Record<Group, number>> {
    const now = this.clock.now().getTime();
    if (maxAgeMs <= 0) return waitingByGroup(await this.dayCounters({}));
    if (!this.totals || now - this.totals.readAt > maxAgeMs) {
      // One read at a time: claims that find the sum too old while it is being read wait
      // for that read instead of each sending their own.
      this.readingTotals ??= (async () => {
        // Writes that return from here on may or may not be in the read: their returned
        // version tells.
        this.ownSinceRead = new Map();
        try {
          const buckets = new Map<string, BucketState>();
          for (const c of await this.dayCounters({ withVersion: true })) {
            buckets.set(c.day, { n: c.total, v: c.version ?? 0 });
          }
          this.totals = { readAt: now, buckets };
        } finally {
          this.readingTotals = undefined;
        }
      })();
      await this.readingTotals;
    }
    const merged = new Map(this.totals?.buckets);
    for (const [day, own] of this.ownSinceRead) {
      const read = merged.get(day);
      if (!read || read.v < own.v) merged.set(day, own);
    }
    const waiting: Record<Group, number> = { contract: 0, standard: 0 };
    for (const [day, { n }] of merged) waiting[groupOfBucket(day)] += Math.max(0, n);
    return waiting;
  }

  /**
   * The totals (`n`, no hours) of the day buckets, all or those sorting before `below`,
   * read strongly consistent.
   */
  private async dayCounters(range: {
    below?: string;
    withVersion?: boolean;
  }): Promise<(DayCounter & { version?: number })[]> {
    const counters: (DayCounter & { version?: number })[] = [];
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: range.below ? 'pk = :p AND sk < :below' : 'pk = :p',
      ProjectionExpression: range.withVersion ? 'sk, n, v' : 'sk, n',
      ExpressionAttributeValues: {
        ':p': QUEUE_COUNTER_PARTITION,
        ...(range.below ? { ':below': range.below } : {}),
      },
      ConsistentRead: true,
    })) {
      for (const item of page.Items ?? []) {
        counters.push({
          ...toDayCounter(item),
          ...(item.v === undefined ? {} : { version: Number(item.v) }),
        });
      }
    }
    return counters;
  }

  private async count(input: QueryCommandInput): Promise<number> {
    let total = 0;
    for await (const page of queryPages(this.db, input)) total += page.Count ?? 0;
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
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :p AND sk >= :since',
      ExpressionAttributeValues: {
        ':p': CLAIM_TALLY_PARTITION,
        ':since': since.toISOString().slice(0, 13),
      },
    })) {
      for (const item of page.Items ?? []) {
        claims.contract += Number(item.contract ?? 0);
        claims.standard += Number(item.standard ?? 0);
      }
    }
    return { claims, since };
  }

  /**
   * The day buckets as the queue index says they should be: one paged Query of the index's
   * keys (every waiting ticket is read, billed by its size in the index).
   */
  private async countIndex(): Promise<{ fresh: Map<string, DayCounter>; counted: number }> {
    const fresh = new Map<string, DayCounter>();
    let counted = 0;
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      IndexName: QUEUE_INDEX.indexName,
      KeyConditionExpression: '#pk = :queue',
      ProjectionExpression: '#sk',
      ExpressionAttributeNames: { '#pk': QUEUE_INDEX.partitionKey, '#sk': QUEUE_INDEX.sortKey },
      ExpressionAttributeValues: { ':queue': QUEUE_PARTITION },
    })) {
      for (const item of page.Items ?? []) {
        const bucket = bucketOf(String(item[QUEUE_INDEX.sortKey]));
        const counter = fresh.get(bucket.day) ?? { day: bucket.day, total: 0, hours: {} };
        counter.total += 1;
        counter.hours[bucket.hour] = (counter.hours[bucket.hour] ?? 0) + 1;
        fresh.set(bucket.day, counter);
        counted += 1;
      }
    }
    return { fresh, counted };
  }

  /** Every stored bucket with its hours, version and suspicion (strongly consistent). */
  private async storedBuckets(): Promise<Map<string, StoredBucket>> {
    const stored = new Map<string, StoredBucket>();
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': QUEUE_COUNTER_PARTITION },
      ConsistentRead: true,
    })) {
      for (const item of page.Items ?? []) {
        stored.set(String(item.sk), {
          ...toDayCounter(item),
          ...(item.v === undefined ? {} : { version: Number(item.v) }),
          ...(typeof item.suspect === 'string' ? { suspect: item.suspect } : {}),
        });
      }
    }
    return stored;
  }

  /**
   * Replaces every stored bucket with what the queue index says: for moments when nothing
   * changes the queue (the local stack's start, a bench's seeding, a one-off migration),
   * never under traffic (a change between the count and the write would be lost). Returns
   * the tickets counted.
   */
  async rebuild(): Promise<number> {
    const { fresh, counted } = await this.countIndex();
    const stale = [...(await this.storedBuckets()).keys()].filter((day) => !fresh.has(day));
    const writes: (() => Promise<unknown>)[] = [
      ...[...fresh.values()].map(
        (c) => () =>
          this.db.send(
            new PutCommand({
              TableName: this.tableName,
              Item: {
                ...keys.queueCounter(c.day),
                entity: 'queueCounter',
                n: c.total,
                v: 0,
                ...c.hours,
              },
            }),
          ),
      ),
      ...stale.map(
        (day) => () =>
          this.db.send(
            new DeleteCommand({ TableName: this.tableName, Key: keys.queueCounter(day) }),
          ),
      ),
    ];
    for (let i = 0; i < writes.length; i += 16) {
      await Promise.all(writes.slice(i, i + 16).map((write) => write()));
    }
    this.totals = undefined;
    return counted;
  }

  /**
   * Finds and fixes drift under live traffic (the scheduled recount). A bucket is only
   * corrected when two runs, an interval apart, found the same difference from the index
   * while its version `v` did not move: a ticket write whose ADD is still in flight, or an
   * index that lags (on AWS a GSI is eventually consistent), shows a difference once, but
   * not the same one with an unchanged bucket a run later; a process that died between a
   * ticket's write and its ADD leaves exactly that. Every write here is conditional on `v`,
   * so an ADD that lands meanwhile wins and the bucket is looked at again next run. Empty
   * buckets (no ticket, count 0) are removed the same way.
   */
  async repair(): Promise<RepairReport> {
    // The buckets first, then the index: a change that completes in between shows as a
    // difference with a version its ADD then moves, so it is never corrected.
    const stored = await this.storedBuckets();
    const { fresh, counted } = await this.countIndex();
    const report: RepairReport = { counted, corrected: 0, suspected: 0, removed: 0 };
    const days = new Set([...stored.keys(), ...fresh.keys()]);
    await Promise.all(
      [...days].map(async (day) => {
        const has = stored.get(day);
        const want = fresh.get(day);
        const diff = bucketDifference(has, want);
        const unchanged =
          has?.version === undefined
            ? { ConditionExpression: 'attribute_not_exists(v)' }
            : {
                ConditionExpression: 'v = :v',
                ExpressionAttributeValues: { ':v': has.version } as Record<string, unknown>,
              };
        try {
          if (Object.keys(diff).length === 0) {
            if (has && !want) {
              await this.db.send(
                new DeleteCommand({
                  TableName: this.tableName,
                  Key: keys.queueCounter(day),
                  ...unchanged,
                }),
              );
              report.removed++;
            } else if (has?.suspect !== undefined) {
              await this.db.send(
                new UpdateCommand({
                  TableName: this.tableName,
                  Key: keys.queueCounter(day),
                  UpdateExpression: 'REMOVE suspect',
                  ...unchanged,
                }),
              );
            }
            return;
          }
          const signature = `${has?.version ?? 'none'}|${JSON.stringify(diff)}`;
          if (has?.suspect === signature) {
            const names: Record<string, string> = {};
            const values: Record<string, unknown> = {
              ...unchanged.ExpressionAttributeValues,
              ':one': 1,
            };
            const adds = Object.entries(diff).map(([attribute, delta], i) => {
              names[`#a${i}`] = attribute;
              values[`:d${i}`] = delta;
              return `#a${i} :d${i}`;
            });
            await this.db.send(
              new UpdateCommand({
                TableName: this.tableName,
                Key: keys.queueCounter(day),
                UpdateExpression: `ADD ${adds.join(', ')}, v :one REMOVE suspect`,
                ConditionExpression: unchanged.ConditionExpression,
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
              }),
            );
            report.corrected++;
          } else {
            await this.db.send(
              new UpdateCommand({
                TableName: this.tableName,
                Key: keys.queueCounter(day),
                UpdateExpression: 'SET suspect = :s, entity = :entity',
                ConditionExpression: unchanged.ConditionExpression,
                ExpressionAttributeValues: {
                  ...unchanged.ExpressionAttributeValues,
                  ':s': signature,
                  ':entity': 'queueCounter',
                },
              }),
            );
            report.suspected++;
          }
        } catch (error) {
          // An ADD landed since the read: the bucket is live, look again next run.
          if (!isConditionFailure(error)) throw error;
        }
      }),
    );
    this.totals = undefined;
    return report;
  }
}

/** A bucket's count and version, as a read or a write of this instance saw it. */
interface BucketState {
  n: number;
  v: number;
}

/** A stored bucket as the repair reads it. */
interface StoredBucket extends DayCounter {
  version?: number;
  suspect?: string;
}

/**
 * What must be added to a stored bucket to match the index: per attribute (`n`, `h00`…),
 * only those that differ.
 */
export function bucketDifference(
  has: DayCounter | undefined,
  want: DayCounter | undefined,
): Record<string, number> {
  const diff: Record<string, number> = {};
  const total = (want?.total ?? 0) - (has?.total ?? 0);
  if (total !== 0) diff.n = total;
  const hours = new Set([...Object.keys(has?.hours ?? {}), ...Object.keys(want?.hours ?? {})]);
  for (const hour of [...hours].sort()) {
    const delta = (want?.hours[hour] ?? 0) - (has?.hours[hour] ?? 0);
    if (delta !== 0) diff[hour] = delta;
  }
  return diff;
}

const HOUR_ATTRIBUTE = /^h\d{2}$/;

function toDayCounter(item: Record<string, unknown>): DayCounter {
  const hours: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (HOUR_ATTRIBUTE.test(name)) hours[name] = Number(value);
  }
  return { day: String(item.sk), total: Number(item.n ?? 0), hours };
}
