import { escalateServiceLevels } from '../app/escalate-service-levels';
import { dependencies } from '../shared/dependencies';

/**
 * Every minute: SLA warnings (80 %) and breaches are mailed to the agents' team and the
 * assignee. A breach is logged at WARN as `service level breached`, which the stack's
 * alarm counts.
 */
export async function handler(): Promise<{ looked: number; escalated: number }> {
  const run = await escalateServiceLevels(dependencies());
  const breaches = run.escalated.firstResponseBreach + run.escalated.resolutionBreach;
  const escalated = Object.values(run.escalated).reduce((a, b) => a + b, 0);
  if (breaches > 0) {
    console.warn(
      JSON.stringify({
        level: 'WARN',
        message: 'service level breached',
        breaches,
        ...run.escalated,
      }),
    );
  }
  if (escalated > 0 || run.looked > 0) {
    console.log(JSON.stringify({ level: 'INFO', message: 'service levels escalated', ...run }));
  }
  return { looked: run.looked, escalated };
}
