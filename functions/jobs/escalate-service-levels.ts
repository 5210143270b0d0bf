import { escalateServiceLevels } from '../app/escalate-service-levels';
import { dependencies } from '../shared/dependencies';
import { jobHandler } from '../shared/job-handler';
import { withOutbox } from '../shared/with-outbox';
import { log } from '../shared/log';
import { recordMetric } from '../shared/metrics';

/**
 * Every minute: SLA warnings (80 %) and breaches are mailed to the agents' team and the
 * assignee. Each breach found is counted in the `ServiceLevelBreaches` metric (by target),
 * which the stack alarms on, and logged at WARN.
 */
export const handler = jobHandler(
  'escalate-service-levels',
  async (): Promise<{ looked: number; escalated: number }> => {
    const run = await escalateServiceLevels(withOutbox(dependencies()));
    const { firstResponseBreach, resolutionBreach } = run.escalated;
    const breaches = firstResponseBreach + resolutionBreach;
    const escalated = Object.values(run.escalated).reduce((a, b) => a + b, 0);
    if (firstResponseBreach > 0) {
      recordMetric('slaBreaches', firstResponseBreach, { target: 'firstResponse' });
    }
    if (resolutionBreach > 0) {
      recordMetric('slaBreaches', resolutionBreach, { target: 'resolution' });
    }
    if (breaches > 0) {
      log('WARN', 'service level breached', { breaches, escalated: run.escalated });
    }
    if (escalated > 0 || run.looked > 0) {
      log('INFO', 'service levels escalated', { looked: run.looked, escalated: run.escalated });
    }
    return { looked: run.looked, escalated };
  },
);
