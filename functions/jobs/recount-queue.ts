import type { RepairReport } from '../adapters/queue-counters';
import { dependencies } from '../shared/dependencies';
import { log } from '../shared/log';

/**
 * Hourly (locally every minute): compares the queue's day-bucket counters with the queue
 * index and corrects a bucket that stayed wrong over two runs (a process that died between
 * a ticket's write and its counter's ADD), removing empty buckets on the way
 * (docs/data-model.md, "Queue position").
 */
export async function handler(): Promise<RepairReport> {
  const report = await dependencies().queueCounters.repair();
  if (report.corrected > 0 || report.suspected > 0) {
    log('WARN', 'queue counters drifted', { ...report });
  }
  return report;
}
