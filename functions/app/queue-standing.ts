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
  /** Tickets still waiting in each group once this one was taken. */
  behind: Record<Group, number>;
}

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

/** The reason for a claim, from the claimed ticket and the waiting tickets left behind it. */
export async function claimReasonOf(
  deps: { queueCounters: Pick<QueueCounters, 'waiting'> },
  claimed: Ticket,
): Promise<ClaimReason> {
  const behind = await deps.queueCounters.waiting();
  const waitedMs = Date.parse(claimed.updatedAt) - Date.parse(claimed.receivedAt);
  return {
    group: claimed.group,
    severity: claimed.severity,
    waitedMinutes: Math.max(0, Math.floor(waitedMs / 60_000)),
    behind,
  };
}
