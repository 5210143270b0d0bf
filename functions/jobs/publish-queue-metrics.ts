import { measureQueue } from '../app/measure-queue';
import { dependencies } from '../shared/dependencies';
import { jobHandler } from '../shared/job-handler';
import { log } from '../shared/log';

/**
 * Every minute: the queue's depth and its oldest waiting ticket per group, as metrics
 * (`QueueDepth`, `OldestWaitingTicketAge`) for the dashboard and the alarm on contract
 * tickets left waiting.
 */
export const handler = jobHandler('publish-queue-metrics', async () => {
  const measured = await measureQueue(dependencies());
  log('DEBUG', 'queue measured', {
    queued: measured.contract.waiting + measured.standard.waiting,
  });
  return measured;
});
