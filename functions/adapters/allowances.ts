import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AllowanceUsage } from '../app/portal';
import { coverableMinutes } from '../domain/work-entry';
import type { Allowances, Clock } from '../app/ports';
import { isConditionFailure } from './dynamodb';
import { setBounded } from '../shared/bounded-map';
import { RECENT_READ_MAX_AGE_MS } from './recent-reads';
import { keys } from './table-design';
import { queryPages } from './query-collection';

/** Rounds of read-and-write before giving up; each lost round means another entry won. */
const ATTEMPTS = 50;
/** How long what an entry took is kept for its retries. */
const RETRY_WINDOW_SECONDS = 24 * 60 * 60;
/** Expired per-entry records dropped per write, keeping each write small. */
const PRUNE_PER_WRITE = 25;

/** Allowances whose last known use this instance keeps (a number each). */
const KNOWN_ALLOWANCES = 1000;

/**
 * One item per customer and month: the minutes used and, per recent entry, what it took.
 * Taking is a write conditional on the minutes used being what was read (optimistic
 * locking), so two entries racing for the last minutes never both get them; the per-entry
 * record makes a retry of the same entry answer what it took the first time. Records older
 * than a day are dropped by the writes that follow a read of the item, so the item stays
 * far below DynamoDB's 400 KB however many entries a month has; an entry that takes
 * nothing writes nothing.
 *
 * Entries of one instance for one allowance take turns, and each starts from the use the
 * previous one left (if at most RECENT_READ_MAX_AGE_MS old) instead of reading the item:
 * the condition still decides, and a wrong guess costs one failed write and a read.
 */
export class DynamoAllowances implements Allowances, AllowanceUsage {
  /** Per allowance: the use as last known, and when the item was last read. */
  private readonly known = new Map<string, { used: number; readAt: number }>();
  private readonly turns = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  /** The minutes used per month, `fromMonth` to `toMonth`: one Query over the months' items. */
  async usedMinutesByMonth(
    customerId: string,
    fromMonth: string,
    toMonth: string,
  ): Promise<Map<string, number>> {
    const used = new Map<string, number>();
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ProjectionExpression: 'sk, usedMinutes',
      ExpressionAttributeValues: {
        ':pk': keys.allowance(customerId, fromMonth).pk,
        ':from': keys.allowance(customerId, fromMonth).sk,
        ':to': keys.allowance(customerId, toMonth).sk,
      },
    })) {
      for (const item of page.Items ?? []) {
        used.set(String(item.sk).replace(/^MONTH#/, ''), Number(item.usedMinutes ?? 0));
      }
    }
    return used;
  }

  consume(
    customerId: string,
    month: string,
    entryId: string,
    wanted: number,
    included: number,
    newEntry = false,
  ): Promise<number> {
    const key = keys.allowance(customerId, month);
    const name = `${key.pk} ${key.sk}`;
    return this.inTurn(name, () => this.take(key, name, entryId, wanted, included, newEntry));
  }

  private async take(
    key: { pk: string; sk: string },
    name: string,
    entryId: string,
    wanted: number,
    included: number,
    newEntry: boolean,
  ): Promise<number> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const guess = attempt === 0 ? this.knownUse(name) : undefined;
      let used: number;
      let state: 'new' | 'untimed' | 'timed' = 'timed';
      let expired: string[] = [];
      if (guess !== undefined) {
        used = guess;
      } else {
        const { Item } = await this.db.send(
          new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
        );
        const consumed = (Item?.consumed ?? {}) as Record<string, number>;
        const taken = consumed[entryId];
        if (taken !== undefined) return taken;
        used = Number(Item?.usedMinutes ?? 0);
        const takenAt = Item?.takenAt as Record<string, number> | undefined;
        expired = this.expired(takenAt ?? {});
        state = Item === undefined ? 'new' : takenAt === undefined ? 'untimed' : 'timed';
        if (state === 'timed') this.remember(name, used, this.clock.now().getTime());
      }
      const covered = coverableMinutes(wanted, used, included);
      // Nothing left to take: nothing to write (used minutes only grow, so a retry agrees).
      // A guess is enough for that unless this entry may have taken minutes before.
      if (covered === 0 && (guess === undefined || newEntry)) return 0;
      if (covered > 0 && (await this.write(key, state, used, entryId, covered, expired))) {
        // The guess after a write keeps the time of the last read: a read at least every
        // few seconds is what prunes old per-entry records, so the item stays small.
        this.remember(
          name,
          used + covered,
          guess === undefined ? this.clock.now().getTime() : undefined,
        );
        return covered;
      }
      this.known.delete(name);
      // Someone else took minutes in between: back off a little and look again.
      if (guess === undefined) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
      }
    }
    throw new Error(`allowance ${name} stayed contended`);
  }

  /** Runs the takes of one allowance one after another, whatever each one's outcome. */
  private inTurn<T>(name: string, take: () => Promise<T>): Promise<T> {
    const run = (this.turns.get(name) ?? Promise.resolve()).then(take, take);
    const done = run.catch(() => undefined);
    this.turns.set(name, done);
    void done.then(() => {
      if (this.turns.get(name) === done) this.turns.delete(name);
    });
    return run;
  }

  private knownUse(name: string): number | undefined {
    const known = this.known.get(name);
    if (!known || this.clock.now().getTime() - known.readAt >= RECENT_READ_MAX_AGE_MS) {
      return undefined;
    }
    return known.used;
  }

  /** `readAt` undefined: keep the time of the read the guess started from. */
  private remember(name: string, used: number, readAt?: number): void {
    const at = readAt ?? this.known.get(name)?.readAt;
    if (at === undefined) this.known.delete(name);
    else setBounded(this.known, name, { used, readAt: at }, KNOWN_ALLOWANCES);
  }

  private now(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  private expired(takenAt: Record<string, number>): string[] {
    const limit = this.now() - RETRY_WINDOW_SECONDS;
    return Object.entries(takenAt)
      .filter(([, at]) => at < limit)
      .slice(0, PRUNE_PER_WRITE)
      .map(([entryId]) => entryId);
  }

  private async write(
    key: { pk: string; sk: string },
    /** `untimed`: written before per-entry times were kept; its time map is created. */
    state: 'new' | 'untimed' | 'timed',
    used: number,
    entryId: string,
    covered: number,
    expired: string[],
  ): Promise<boolean> {
    try {
      if (state === 'new') {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...key,
              entity: 'allowance',
              usedMinutes: covered,
              consumed: { [entryId]: covered },
              takenAt: { [entryId]: this.now() },
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } else {
        const names: Record<string, string> = {
          '#used': 'usedMinutes',
          '#consumed': 'consumed',
          '#takenAt': 'takenAt',
          '#entry': entryId,
        };
        expired.forEach((id, i) => (names[`#old${i}`] = id));
        const prune = expired.map((_, i) => `#consumed.#old${i}, #takenAt.#old${i}`).join(', ');
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression:
              'SET #used = :next, #consumed.#entry = :covered, ' +
              (state === 'untimed' ? '#takenAt = :times' : '#takenAt.#entry = :now') +
              (prune ? ` REMOVE ${prune}` : ''),
            ConditionExpression: '#used = :used AND attribute_not_exists(#consumed.#entry)',
            // All three names are DynamoDB reserved words or may clash with them.
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: {
              ':next': used + covered,
              ':used': used,
              ':covered': covered,
              ...(state === 'untimed'
                ? { ':times': { [entryId]: this.now() } }
                : { ':now': this.now() }),
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
