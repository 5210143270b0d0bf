import { GROUPS, type Group } from '../domain/ticket';
import type { BusinessMetrics, Clock, QueueStatistics } from './ports';

/** What one measurement found, per group. */
export type QueueMeasurement = Record<Group, { waiting: number; oldestWaitingMs: number }>;

/**
 * Measures the queue for the dashboard and its alarms: per group the tickets waiting and
 * how long the oldest has waited (0 when none waits, so an emptied queue ends an alarm).
 * Run every minute by the scheduler (`functions/jobs/publish-queue-metrics.ts`).
 */
export async function measureQueue(deps: {
  queueStatistics: QueueStatistics;
  clock: Clock;
  metrics?: BusinessMetrics;
}): Promise<QueueMeasurement> {
  const now = deps.clock.now().getTime();
  const byGroup = await deps.queueStatistics.waitingByGroup();
  const measured = {} as QueueMeasurement;
  for (const group of GROUPS) {
    const { waiting, oldestReceivedAt } = byGroup[group];
    const oldestWaitingMs = oldestReceivedAt ? Math.max(0, now - Date.parse(oldestReceivedAt)) : 0;
    measured[group] = { waiting, oldestWaitingMs };
    deps.metrics?.record('queueDepth', waiting, { group });
    deps.metrics?.record('oldestWaiting', oldestWaitingMs, { group });
  }
  return measured;
}
