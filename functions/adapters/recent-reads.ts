import type { Clock } from '../app/ports';
import { setBounded } from '../shared/bounded-map';

/** How old a recent read may be: how late a change made on another instance may apply. */
export const RECENT_READ_MAX_AGE_MS = 5000;

export const systemClock: Clock = { now: () => new Date() };

interface Entry<V> {
  value: Promise<V>;
  readAt: number;
}

/**
 * What this instance read lately, for reads that may be a few seconds old (the price list
 * and the customer when pricing work). Concurrent reads of one key share one store call.
 * Writes of this instance replace or drop their key, so only changes made by other
 * instances are seen late, by at most `maxAgeMs`. A failed read is not kept.
 */
export class RecentReads<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly clock: Clock,
    private readonly maxAgeMs: number,
    /** Oldest reads are dropped beyond this many keys, so memory stays bounded. */
    private readonly maxEntries = 1000,
  ) {}

  get(key: string, read: () => Promise<V>): Promise<V> {
    const now = this.clock.now().getTime();
    const entry = this.entries.get(key);
    if (entry && now - entry.readAt < this.maxAgeMs) return entry.value;
    const value = read();
    this.remember(key, value, now);
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  /** This instance just wrote (or read afresh) the value of `key`. */
  set(key: string, value: V): void {
    this.remember(key, Promise.resolve(value), this.clock.now().getTime());
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  private remember(key: string, value: Promise<V>, readAt: number): void {
    setBounded(this.entries, key, { value, readAt }, this.maxEntries);
  }
}
