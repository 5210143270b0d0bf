import { sweepAcknowledgements, type SweepResult } from '../app/sweep-acknowledgements';
import { integer } from '../shared/config';
import { dependencies } from '../shared/dependencies';
import { jobHandler } from '../shared/job-handler';
import { withOutbox } from '../shared/with-outbox';
import { log } from '../shared/log';

/**
 * Every minute (locally every few seconds): queues the acknowledgements of tickets that
 * were stored but whose mail never reached the outbox. `ACK_SWEEP_GRACE_SECONDS` (default
 * 30) leaves tickets younger than that to the request that is storing them.
 */
export const handler = jobHandler('sweep-acknowledgements', async (): Promise<SweepResult> => {
  const result = await sweepAcknowledgements(withOutbox(dependencies()), {
    graceSeconds: integer('ACK_SWEEP_GRACE_SECONDS', 30),
  });
  if (result.queued > 0 || result.failed > 0) {
    log('INFO', 'acknowledgements swept', { ...result });
  }
  if (result.failed > 0) {
    // The AcknowledgementsNotQueued metric the alarm watches has been counted already.
    throw new Error(`${result.failed} acknowledgements could not be queued; retried next run`);
  }
  return result;
});
