import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** Namespace of the metrics the stack derives from log lines. */
export const METRIC_NAMESPACE = 'ServiceDesk';

/** Options for {@link alarmOnLogLine}. */
export interface LogLineAlarmProps {
  /** The log group whose lines are counted. */
  readonly logGroup: logs.ILogGroup;
  /** The message the function logs at `level`. */
  readonly message: string;
  /**
   * The level the line is logged at.
   * @default 'ERROR'
   */
  readonly level?: 'ERROR' | 'WARN';
  /** Construct ids of the filter (in the log group) and of the alarm (in `scope`). */
  readonly filterId: string;
  readonly alarmId: string;
  readonly metricName: string;
  readonly description: string;
}

/**
 * A metric filter counting a log line (ERROR, or WARN for things that are not faults of the
 * system, like a missed service level) and an alarm at the first one in 5 minutes.
 * Term patterns rather than a JSON pattern: Lambda's text log format prefixes each line
 * with time, request id and level, so the line as a whole is not JSON.
 */
export function alarmOnLogLine(scope: Construct, props: LogLineAlarmProps): cloudwatch.Alarm {
  const filter = props.logGroup.addMetricFilter(props.filterId, {
    filterPattern: logs.FilterPattern.allTerms(props.level ?? 'ERROR', props.message),
    metricNamespace: METRIC_NAMESPACE,
    metricName: props.metricName,
    metricValue: '1',
  });
  return filter
    .metric({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM })
    .createAlarm(scope, props.alarmId, {
      alarmDescription: props.description,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
}
