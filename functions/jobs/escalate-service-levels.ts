import { escalateServiceLevels } from '../app/escalate-service-levels';
import { dependencies } from '../shared/dependencies';
import { withOutbox } from '../shared/with-outbox';
import { ALARMED_LOG_MESSAGES } from '../domain/log-fields';
import { log } from '../shared/log';

/**
 * Every minute: SLA warnings (80 %) and breaches are mailed to the agents' team and the
 * assignee. A breach is logged at WARN as `service level breached`, which the stack's
 * alarm counts.
 */
export async function handler(): Promise<{ looked: number; escalated: number }> {
  const run = await escalateServiceLevels(withOutbox(dependencies()));
  const breaches = run.escalated.firstResponseBreach + run.escalated.resolutionBreach;
  const escalated = Object.values(run.escalated).reduce((a, b) => a + b, 0);
  if (breaches > 0) {
    log('WARN', ALARMED_LOG_MESSAGES.serviceLevelBreached, { breaches, escalated: run.escalated });
  }
  if (escalated > 0 || run.looked > 0) {
    log('INFO', 'service levels escalated', { looked: run.looked, escalated: run.escalated });
  }
  return { looked: run.looked, escalated };
}
