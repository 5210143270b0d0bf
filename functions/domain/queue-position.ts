import type { Group } from './ticket';

/**
 * Where a waiting ticket stands, counted without reading the tickets ahead of it
 * (docs/data-model.md, "Queue position"). The queue key `<group>#<severity>#<receivedAt>#<id>`
 * is cut into buckets: a day bucket `<group>#<severity>#<YYYY-MM-DD>` (UTC day of receipt)
 * holds its total and one count per hour of receipt. A ticket's position is the sum of the
 * day buckets before its own, the hours before its own in its day bucket, and a count of the
 * few tickets ahead of it in its own hour.
 */

/** The counter bucket a queue key falls into. */
export interface QueueBucket {
  /** Sort key of the day bucket: `<groupRank>#<severityRank>#<YYYY-MM-DD>`. */
  day: string;
  /** Attribute of the hour within the day bucket: `h00`…`h23`. */
  hour: string;
  /** Prefix of every queue key received in the same hour of the same group and severity. */
  hourPrefix: string;
}

/** One day bucket as stored: its total and its counts per hour of receipt. */
export interface DayCounter {
  day: string;
  total: number;
  hours: Record<string, number>;
}

/** How many waiting tickets are ahead, by group, and the resulting position (1 = next). */
export interface QueueStanding {
  position: number;
  aheadContract: number;
  aheadStandard: number;
}

const QUEUE_KEY = /^([12])#([1-4])#(\d{4}-\d{2}-\d{2})T(\d{2}):/;

/** The bucket of a queue key (functions/domain/queue-key.ts). */
export function bucketOf(queueKey: string): QueueBucket {
  const match = QUEUE_KEY.exec(queueKey);
  if (!match) throw new RangeError(`not a queue key: ${queueKey}`);
  const [, group, severity, day, hour] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    day: `${group}#${severity}#${day}`,
    hour: `h${hour}`,
    hourPrefix: `${group}#${severity}#${day}T${hour}`,
  };
}

/** The group a day bucket (or queue key) belongs to, from its first character. */
export function groupOfBucket(day: string): Group {
  return day.startsWith('1#') ? 'contract' : 'standard';
}

/**
 * The standing of a ticket from the day buckets up to and including its own (in any order)
 * and the number of tickets ahead of it within its own hour of receipt.
 */
export function standingOf(
  bucket: QueueBucket,
  counters: readonly DayCounter[],
  aheadInOwnHour: number,
): QueueStanding {
  const ahead: Record<Group, number> = { contract: 0, standard: 0 };
  for (const counter of counters) {
    const group = groupOfBucket(counter.day);
    if (counter.day < bucket.day) {
      ahead[group] += Math.max(0, counter.total);
    } else if (counter.day === bucket.day) {
      for (const [hour, n] of Object.entries(counter.hours)) {
        if (hour < bucket.hour) ahead[group] += Math.max(0, n);
      }
    }
  }
  ahead[groupOfBucket(bucket.day)] += aheadInOwnHour;
  return {
    position: ahead.contract + ahead.standard + 1,
    aheadContract: ahead.contract,
    aheadStandard: ahead.standard,
  };
}

/** Waiting tickets per group, from all day buckets. */
export function waitingByGroup(counters: readonly DayCounter[]): Record<Group, number> {
  const waiting: Record<Group, number> = { contract: 0, standard: 0 };
  for (const counter of counters) waiting[groupOfBucket(counter.day)] += Math.max(0, counter.total);
  return waiting;
}

/** The counter changes one ticket write makes: leave the old bucket, enter the new one. */
export function counterMoves(
  before: string | undefined,
  after: string | undefined,
): { bucket: QueueBucket; delta: 1 | -1 }[] {
  if (before === after) return [];
  if (before !== undefined && after !== undefined) {
    const [from, to] = [bucketOf(before), bucketOf(after)];
    if (from.day === to.day && from.hour === to.hour) return [];
  }
  const moves: { bucket: QueueBucket; delta: 1 | -1 }[] = [];
  if (before !== undefined) moves.push({ bucket: bucketOf(before), delta: -1 });
  if (after !== undefined) moves.push({ bucket: bucketOf(after), delta: 1 });
  return moves;
}
