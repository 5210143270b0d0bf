import { acknowledge } from './submit-ticket';
import type { Clock, TicketDeps } from './ports';

/** What one sweep did. */
export interface SweepResult {
  /** Acknowledgements put on the outbox queue. */
  queued: number;
  /** Acknowledgements that could not be queued this time (they stay pending). */
  failed: number;
}

/**
 * Queues the acknowledgements that were stored with their tickets but never reached the
 * outbox (the process died in between, or the queue refused): every ticket received more
 * than `graceSeconds` ago that is still marked pending. A ticket being submitted right now
 * is left to its own request. Queued twice, an acknowledgement is still mailed once (the
 * mailer's delivery record per event id), so this closes the gap without a duplicate.
 */
export async function sweepAcknowledgements(
  deps: Pick<TicketDeps, 'tickets' | 'outbox' | 'metrics'> & { clock: Clock },
  options: { graceSeconds: number; pageSize?: number; maxPages?: number },
): Promise<SweepResult> {
  const before = new Date(deps.clock.now().getTime() - options.graceSeconds * 1000).toISOString();
  const result: SweepResult = { queued: 0, failed: 0 };
  const pageSize = options.pageSize ?? 100;
  for (let page = 0; page < (options.maxPages ?? 50); page++) {
    const pending = await deps.tickets.pendingAcknowledgements(before, pageSize);
    for (const ticket of pending) {
      if (!ticket.pendingAcknowledgement) continue;
      if (await acknowledge(deps, ticket.pendingAcknowledgement)) result.queued++;
      else result.failed++;
    }
    // A page with failures would be read again unchanged: the next run tries once more.
    if (pending.length < pageSize || result.failed > 0) break;
  }
  return result;
}
