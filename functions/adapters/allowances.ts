import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { coverableMinutes } from '../domain/work-entry';
import type { Allowances, Clock } from '../app/ports';
import { isConditionFailure } from './dynamodb';
import { keys } from './table-design';

/** Rounds of read-and-write before giving up; each lost round means another entry won. */
const ATTEMPTS = 50;
/** How long what an entry took is kept for its retries. */
const RETRY_WINDOW_SECONDS = 24 * 60 * 60;
/** Expired per-entry records dropped per write, keeping each write small. */
const PRUNE_PER_WRITE = 25;

/**
 * One item per customer and month: the minutes used and, per recent entry, what it took.
 * Taking is a read followed by a write conditional on the minutes read (optimistic
 * locking), so two entries racing for the last minutes never both get them; the per-entry
 * record makes a retry of the same entry answer what it took the first time. Records older
 * than a day are dropped as later entries write, so the item stays far below DynamoDB's
 * 400 KB however many entries a month has; an entry that takes nothing writes nothing.
 */
export class DynamoAllowances implements Allowances {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async consume(
    customerId: string,
    month: string,
    entryId: string,
    wanted: number,
    included: number,
  ): Promise<number> {
    const key = keys.allowance(customerId, month);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      const consumed = (Item?.consumed ?? {}) as Record<string, number>;
      const taken = consumed[entryId];
      if (taken !== undefined) return taken;
      const used = Number(Item?.usedMinutes ?? 0);
      const covered = coverableMinutes(wanted, used, included);
      // Nothing left to take: nothing to write (used minutes only grow, so a retry agrees).
      if (covered === 0) return 0;
      const takenAt = Item?.takenAt as Record<string, number> | undefined;
      const expired = this.expired(takenAt ?? {});
      const state = Item === undefined ? 'new' : takenAt === undefined ? 'untimed' : 'timed';
      if (await this.take(key, state, used, entryId, covered, expired)) {
        return covered;
      }
      // Someone else took minutes in between: back off a little and look again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
    }
    throw new Error(`allowance of ${customerId} for ${month} stayed contended`);
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

  private async take(
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
