import { Metrics } from '@aws-lambda-powertools/metrics';
import type { BusinessMetrics } from '../app/ports';
import {
  METRICS,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  type DimensionsOf,
  type MetricKey,
} from '../domain/metric-names';
import { logger } from './log';

/**
 * The function's Powertools Metrics: Embedded Metric Format lines in the function's log,
 * which CloudWatch turns into metrics (no API call, no permission). The middy stacks flush
 * it at the end of each invocation (`logMetrics`). Powertools' warning about an invocation
 * without metrics — most API calls have none — is logged at DEBUG, not WARN.
 * `POWERTOOLS_METRICS_DISABLED=true` (the local stack sets it) writes nothing.
 */
export const metrics: Metrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: METRICS_SERVICE,
  logger: {
    debug: (...args: unknown[]) => logger.debug(String(args[0])),
    info: (...args: unknown[]) => logger.info(String(args[0])),
    warn: (...args: unknown[]) => logger.debug(String(args[0])),
    error: (...args: unknown[]) => logger.error(String(args[0])),
  },
});

/**
 * Records one value of a business metric of `functions/domain/metric-names.ts`. A metric
 * with dimensions is written at once as a metric of its own (its dimensions must not
 * stick to the invocation's other metrics); one without is flushed with the invocation's.
 */
export function recordMetric<K extends MetricKey>(
  key: K,
  value: number,
  dimensions?: DimensionsOf<K>,
): void {
  const definition = METRICS[key];
  const entries = Object.entries(dimensions ?? {}) as [string, string][];
  if (entries.length === 0) {
    metrics.addMetric(definition.name, definition.unit, value);
    return;
  }
  const single = metrics.singleMetric();
  for (const [name, dimensionValue] of entries) single.addDimension(name, dimensionValue);
  single.addMetric(definition.name, definition.unit, value);
}

/** The {@link BusinessMetrics} port of the use cases, written through Powertools. */
export const powertoolsMetrics: BusinessMetrics = { record: recordMetric };
