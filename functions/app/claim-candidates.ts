import type { Clock, TicketRepository } from './ports';

/** A waiting ticket as a claim needs it: which one, and at which version it waited. */
export interface QueueHead {
  ticketId: string;
  version: number;
}

export interface ClaimCandidateOptions {
  /** How many heads one read of the queue fetches. */
  size: number;
  /**
   * How long a read stays good for later claims. Writes of this instance that put a ticket
   * into the queue drop it at once; a ticket queued by another instance in the meantime
   * is seen by claims after at most this long.
   */
  maxAgeMs: number;
}

/** Reads of the queue one refill may take while this instance keeps changing the queue. */
const READS_PER_CHANGE = 3;
/**
 * How long a ticket this instance won is not offered again. On AWS the queue index is
 * eventually consistent and may still list a claimed ticket for a moment; trying it would
 * only cost a failed write.
 */
const INDEX_LAG_MS = 1000;
/** How long after a race lost to another instance this instance keeps spreading its picks. */
export const CONTENTION_MS = 1000;

export const DEFAULT_CLAIM_CANDIDATES: ClaimCandidateOptions = { size: 32, maxAgeMs: 500 };

/**
 * The queue heads this instance read last, shared by all claims it serves. Claims take
 * them in queue order, each a different one, so claims of one instance never race each
 * other for the same ticket, and one Query of the queue serves many claims. Whether a head
 * still waits is decided by the claim's conditional write, never by this list: a stale
 * head only costs a failed write, never a double claim. A race lost to another instance
 * means that instance takes heads from the same read: the rest of it is dropped and read
 * afresh, and for a second this instance picks at random among the heads, so instances
 * spread over the top of the queue instead of all chasing its first tickets.
 */
export class ClaimCandidates {
  private heads: QueueHead[] = [];
  private readAt = Number.NEGATIVE_INFINITY;
  /** Bumped by every change to the queue this instance makes; a read across one is stale. */
  private generation = 0;
  private reading: Promise<number> | undefined;
  /** Heads handed to a claim that has not finished yet. */
  private readonly taken = new Set<string>();
  /** Heads whose claim ended while a read ran: that read may still show them waiting. */
  private readonly settledDuringRead = new Set<string>();
  /** When a claim of this instance last lost its race. */
  private lostAt = Number.NEGATIVE_INFINITY;
  /** Tickets this instance claimed lately, with when (see INDEX_LAG_MS). */
  private readonly won = new Map<string, number>();
  private settleWaiters: (() => void)[] = [];

  constructor(
    private readonly tickets: Pick<TicketRepository, 'queueHeads'>,
    private readonly clock: Clock,
    private readonly options: ClaimCandidateOptions = DEFAULT_CLAIM_CANDIDATES,
  ) {}

  /**
   * The next head to try: the first one no claim of this instance holds. While claims of
   * this instance lose races to other instances (this claim's own lost race included), one
   * chosen with `random` among them instead, so that instances spread over the heads
   * instead of all chasing the first ones together. Undefined when nothing waits. Pass the
   * head to `settled` when its claim is done.
   */
  async next(random: () => number = Math.random): Promise<QueueHead | undefined> {
    const spread = this.lostRecently();
    // Heads of a read made for this very claim are used even if that read went stale.
    let justRead = false;
    for (;;) {
      if (this.heads.length > 0 && (justRead || this.isFresh())) {
        const count = this.heads.length;
        const index = spread ? Math.min(Math.floor(random() * count), count - 1) : 0;
        const [head] = this.heads.splice(index, 1) as [QueueHead];
        this.taken.add(head.ticketId);
        return head;
      }
      const waiting = await this.read();
      if (waiting === 0) return undefined;
      justRead = true;
      // Every waiting head read is being claimed here right now: see how those claims end.
      if (this.heads.length === 0) {
        await this.nextSettled();
        justRead = false;
      }
    }
  }

  /** The claim of this head is over (`won` or lost): the head is no longer reserved. */
  settled(head: QueueHead, won = false): void {
    this.taken.delete(head.ticketId);
    if (won) this.won.set(head.ticketId, this.clock.now().getTime());
    else {
      // Another instance is taking heads from the same read: what is left of it is stale.
      this.lostAt = this.clock.now().getTime();
      this.dropRead();
    }
    if (this.reading) this.settledDuringRead.add(head.ticketId);
    const waiters = this.settleWaiters;
    this.settleWaiters = [];
    for (const wake of waiters) wake();
  }

  /** This instance put a ticket into the queue or moved one in it: read afresh. */
  queueChanged(): void {
    this.generation++;
    // A ticket this instance won may be back in the queue now (released, reopened).
    this.won.clear();
    this.dropRead();
  }

  private dropRead(): void {
    this.heads = [];
    this.readAt = Number.NEGATIVE_INFINITY;
  }

  /** Claims of other instances are taking the same heads right now. */
  private lostRecently(): boolean {
    return this.clock.now().getTime() - this.lostAt < CONTENTION_MS;
  }

  private isFresh(): boolean {
    return this.clock.now().getTime() - this.readAt < this.options.maxAgeMs;
  }

  /** One read at a time, shared by every claim waiting for it; resolves how many waited. */
  private read(): Promise<number> {
    this.reading ??= this.readHeads().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async readHeads(): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const generation = this.generation;
      const startedAt = this.clock.now().getTime();
      this.settledDuringRead.clear();
      const heads = await this.tickets.queueHeads(this.options.size);
      // A change made while the Query ran may be missing from its answer; under a stream
      // of changes the last answer is used for this claim but not kept for later ones.
      const stale = generation !== this.generation;
      // An empty answer across a change is read once more: the change may be a new ticket.
      const retry = heads.length === 0 ? 2 * READS_PER_CHANGE : READS_PER_CHANGE;
      if (stale && attempt < retry) continue;
      this.forgetOldWins(startedAt);
      const waiting = heads.filter((head) => !this.won.has(head.ticketId));
      this.heads = waiting.filter(
        (head) => !this.taken.has(head.ticketId) && !this.settledDuringRead.has(head.ticketId),
      );
      this.readAt = stale ? Number.NEGATIVE_INFINITY : startedAt;
      return waiting.length;
    }
  }

  private forgetOldWins(now: number): void {
    // The map is in the order of the wins: stop at the first that is still recent.
    for (const [ticketId, at] of this.won) {
      if (now - at < INDEX_LAG_MS) break;
      this.won.delete(ticketId);
    }
  }

  private nextSettled(): Promise<void> {
    if (this.taken.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.settleWaiters.push(resolve));
  }
}
