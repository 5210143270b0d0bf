import { estimateStart, type EstimatedStart } from '../domain/queue-estimate';
import { encodeQueueKey } from '../domain/queue-key';
import type { Group, Severity, Ticket } from '../domain/ticket';
import type { Clock, QueueCounters } from './ports';

/** Where a waiting ticket stands, as the views show it (SPEC §10). */
export interface QueueInfo {
  position: number;
  aheadContract: number;
  aheadStandard: number;
  estimatedStart: EstimatedStart | null;
}

/** Why a claimed ticket was the next one (SPEC §10), for auditing the queue's policy. */
export interface ClaimReason {
  group: Group;
  severity: Severity;
  waitedMinutes: number;
  /** The waiting tickets it was taken ahead of, per group: those still waiting after it. */
  ahead: Record<Group, number>;
}

/**
 * How old the waiting totals behind a claim reason may be: this instance's last read of the
 * buckets, updated by what its own writes returned since. Claims of one instance then share
 * one read.
 */
export const CLAIM_REASON_MAX_AGE_MS = 500;

/**
 * The position of a waiting ticket and an estimate of when work on it starts; undefined for
 * a ticket that does not wait. Costs one Query of the queue's day buckets, one COUNT over
 * the tickets received in the same hour with the same group and severity, and one Query of
 * the claim tally, all at once.
 */
export async function queueInfoOf(
  deps: { queueCounters: Pick<QueueCounters, 'standing' | 'claimHistory'>; clock: Clock },
  ticket: Ticket,
): Promise<QueueInfo | undefined> {
  if (ticket.status !== 'open') return undefined;
  const now = deps.clock.now();
  const [standing, history] = await Promise.all([
    deps.queueCounters.standing(encodeQueueKey(ticket), ticket.ticketId),
    deps.queueCounters.claimHistory(now),
  ]);
  return { ...standing, estimatedStart: estimateStart(standing.position, history, now) };
}

/**
 * The reason for a claim, from the claimed ticket and the tickets left waiting after it.
 * The counts come from this instance's read of the queue's buckets, at most
 * {@link CLAIM_REASON_MAX_AGE_MS} old, updated by what its own writes returned since: claims
 * made on other instances in that half second may not be subtracted yet. Group, severity and waiting time
 * are the claimed ticket's own.
 */
export async function claimReasonOf(
  deps: { queueCounters: Pick<QueueCounters, 'waiting'> },
  claimed: Ticket,
): Promise<ClaimReason> {
  const ahead = await deps.queueCounters.waiting(CLAIM_REASON_MAX_AGE_MS);
  const waitedMs = Date.parse(claimed.updatedAt) - Date.parse(claimed.receivedAt);
  return {
    group: claimed.group,
    severity: claimed.severity,
    waitedMinutes: Math.max(0, Math.floor(waitedMs / 60_000)),
    ahead,
  };
}
