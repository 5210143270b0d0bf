import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { GROUPS, CHANNELS, type Channel, type Group } from '../functions/domain/ticket';
import {
  IGNORED_MAIL_REASONS,
  METRICS,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  SLA_TARGETS,
  type DimensionsOf,
  type MetricKey,
} from '../functions/domain/metric-names';
import type { DeadLetteredQueue } from './dead-lettered-queue';

/** Options of one business metric read from CloudWatch. */
export interface BusinessMetricOptions<K extends MetricKey> {
  readonly dimensions?: DimensionsOf<K>;
  /** @default Stats.SUM */
  readonly statistic?: string;
  /** @default Duration.minutes(5) */
  readonly period?: Duration;
  readonly label?: string;
}

/**
 * A business metric of `functions/domain/metric-names.ts` as CloudWatch stores it: the
 * namespace, the name, and the dimensions the functions write (`service` always).
 */
export function businessMetric<K extends MetricKey>(
  key: K,
  options: BusinessMetricOptions<K> = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: METRICS[key].name,
    dimensionsMap: { service: METRICS_SERVICE, ...(options.dimensions ?? {}) },
    statistic: options.statistic ?? cloudwatch.Stats.SUM,
    period: options.period ?? Duration.minutes(5),
    ...(options.label ? { label: options.label } : {}),
  });
}

/** Context key: minutes the oldest contract ticket may wait before its alarm. */
export const CONTRACT_WAIT_ALARM_CONTEXT_KEY = 'servicedesk:contractWaitAlarmMinutes';
/** Context key: seconds of acknowledgement lag (p95 over 5 minutes) before its alarm. */
export const ACK_LAG_ALARM_CONTEXT_KEY = 'servicedesk:ackLagAlarmSeconds';

/** Options for {@link Observability}. */
export interface ObservabilityProps {
  readonly api: apigateway.RestApi;
  readonly table: dynamodb.ITable;
  readonly outbox: DeadLetteredQueue;
  readonly intake: DeadLetteredQueue;
  /** SES's bounce and complaint reports on their way to the feedback function. */
  readonly mailFeedback?: DeadLetteredQueue;
  /** Alarms made elsewhere (errors, dead letters) shown on the dashboard's alarm board. */
  readonly otherAlarms?: readonly cloudwatch.IAlarm[];
  /**
   * How long the oldest waiting contract ticket may wait before the alarm.
   * @default the context value `servicedesk:contractWaitAlarmMinutes`, else 60 minutes
   */
  readonly contractWaitAlarm?: Duration;
  /**
   * Acknowledgement lag (95th percentile over 5 minutes) that raises the alarm.
   * @default the context value `servicedesk:ackLagAlarmSeconds`, else 5 minutes
   */
  readonly acknowledgementLagAlarm?: Duration;
}

/**
 * What an operator watches: the business alarms (contract tickets left waiting, service
 * levels missed, acknowledgements late or not queued, quarantined mail, throttling) and one
 * CloudWatch dashboard with a widget for every business metric, the dead-letter queues,
 * the API and the functions. Each alarm's description says what to do; docs/operations.md
 * says more.
 */
export class Observability extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly oldestContractTicketAlarm: cloudwatch.Alarm;
  readonly serviceLevelBreachAlarm: cloudwatch.Alarm;
  readonly acknowledgementLagAlarm: cloudwatch.Alarm;
  readonly acknowledgementsNotQueuedAlarm: cloudwatch.Alarm;
  readonly mailsQuarantinedAlarm: cloudwatch.Alarm;
  readonly lambdaThrottlesAlarm: cloudwatch.Alarm;
  readonly tableThrottlesAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const contractWait =
      props.contractWaitAlarm ??
      Duration.minutes(positiveContext(this, CONTRACT_WAIT_ALARM_CONTEXT_KEY, 60));
    const ackLag =
      props.acknowledgementLagAlarm ??
      Duration.seconds(positiveContext(this, ACK_LAG_ALARM_CONTEXT_KEY, 300));

    this.oldestContractTicketAlarm = businessMetric('oldestWaiting', {
      dimensions: { group: 'contract' },
      statistic: cloudwatch.Stats.MAXIMUM,
    }).createAlarm(this, 'OldestContractTicketAlarm', {
      alarmDescription:
        `A contract ticket has waited in the queue longer than ${contractWait.toHumanString()} ` +
        'without an agent claiming it: claim it in the console (or tell the team). Fires ' +
        'outside business hours too; the SLA alarm counts business time.',
      threshold: contractWait.toMilliseconds(),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.serviceLevelBreachAlarm = new cloudwatch.MathExpression({
      expression: 'FILL(firstResponse, 0) + FILL(resolution, 0)',
      usingMetrics: Object.fromEntries(
        SLA_TARGETS.map((target) => [
          target,
          businessMetric('slaBreaches', { dimensions: { target } }),
        ]),
      ),
      period: Duration.minutes(5),
      label: 'Service-level breaches',
    }).createAlarm(this, 'ServiceLevelBreachAlarm', {
      alarmDescription:
        'A contract ticket missed its first-response or resolution time (SPEC §9): the team ' +
        'and the assignee were mailed; answer or resolve it, and see the month report',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.acknowledgementLagAlarm = businessMetric('acknowledgementLag', {
      statistic: cloudwatch.Stats.p(95),
    }).createAlarm(this, 'AcknowledgementLagAlarm', {
      alarmDescription:
        `Acknowledgements reach SES later than ${ackLag.toHumanString()} after receipt (p95): ` +
        "check the outbox's age and dead-letter queue, the mailer's errors and SES sending quota",
      threshold: ackLag.toMilliseconds(),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.acknowledgementsNotQueuedAlarm = atFirstOne(
      this,
      'AcknowledgementsNotQueuedAlarm',
      'acknowledgementsNotQueued',
      'A ticket was stored but its acknowledgement could not be put on the outbox; the ' +
        'sweeper retries every minute: if it keeps firing, check the outbox queue and the ' +
        'sweep-acknowledgements log (ticket ids)',
    );
    this.mailsQuarantinedAlarm = atFirstOne(
      this,
      'MailsQuarantinedAlarm',
      'mailsQuarantined',
      'A received mail could not be attributed to a sender and was copied to quarantine/ ' +
        "in the mail bucket: see the intake's log for the key and the reason",
    );

    this.lambdaThrottlesAlarm = new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName: 'Throttles',
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
    }).createAlarm(this, 'LambdaThrottlesAlarm', {
      alarmDescription:
        "Lambda throttled invocations in this account and region (the account's concurrency " +
        'limit): API callers got 5xx/429 and queue messages waited; ask for a higher limit',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.tableThrottlesAlarm = new cloudwatch.MathExpression({
      expression: 'FILL(reads, 0) + FILL(writes, 0)',
      usingMetrics: {
        reads: tableMetric(props.table, 'ReadThrottleEvents'),
        writes: tableMetric(props.table, 'WriteThrottleEvents'),
      },
      period: Duration.minutes(5),
      label: 'Table throttle events',
    }).createAlarm(this, 'TableThrottlesAlarm', {
      alarmDescription:
        'DynamoDB throttled reads or writes of the table (a hot key or a sudden burst over ' +
        'on-demand capacity): requests were retried or failed; see the table in the console',
      threshold: 10,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-operations`,
      defaultInterval: Duration.hours(24),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms (docs/operations.md says what each means and what to do)',
        width: 24,
        height: 4,
        alarms: [
          this.oldestContractTicketAlarm,
          this.serviceLevelBreachAlarm,
          this.acknowledgementLagAlarm,
          this.acknowledgementsNotQueuedAlarm,
          this.mailsQuarantinedAlarm,
          this.lambdaThrottlesAlarm,
          this.tableThrottlesAlarm,
          props.outbox.deadLetterAlarm,
          props.outbox.messageAgeAlarm,
          props.intake.deadLetterAlarm,
          props.intake.messageAgeAlarm,
          ...(props.mailFeedback
            ? [props.mailFeedback.deadLetterAlarm, props.mailFeedback.messageAgeAlarm]
            : []),
          ...(props.otherAlarms ?? []),
        ],
      }),
    );
    this.dashboard.addWidgets(
      graph('Tickets received by group and channel (per 5 minutes)', ticketsReceived(), {
        stacked: true,
      }),
      graph(
        'Queue depth by group (waiting tickets)',
        GROUPS.map((group) =>
          businessMetric('queueDepth', {
            dimensions: { group },
            statistic: cloudwatch.Stats.MAXIMUM,
            period: Duration.minutes(1),
            label: group,
          }),
        ),
      ),
      graph(
        'Oldest waiting ticket by group (minutes)',
        GROUPS.map((group) =>
          minutes(
            businessMetric('oldestWaiting', {
              dimensions: { group },
              statistic: cloudwatch.Stats.MAXIMUM,
              period: Duration.minutes(1),
            }),
            group,
          ),
        ),
        { annotation: { value: contractWait.toMinutes(), label: 'contract alarm' } },
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Time to claim by group (minutes, median and p90)',
        GROUPS.flatMap((group) =>
          (['p50', 'p90'] as const).map((stat) =>
            minutes(
              businessMetric('timeToClaim', { dimensions: { group }, statistic: stat }),
              `${group} ${stat}`,
            ),
          ),
        ),
      ),
      graph(
        'Service levels: business minutes to first response and resolution (median, p90)',
        SLA_TARGETS.flatMap((target) =>
          (['p50', 'p90'] as const).map((stat) =>
            minutes(
              businessMetric('slaBusinessTime', { dimensions: { target }, statistic: stat }),
              `${target} ${stat}`,
            ),
          ),
        ),
      ),
      graph(
        'Service-level breaches by target',
        SLA_TARGETS.map((target) =>
          businessMetric('slaBreaches', { dimensions: { target }, label: target }),
        ),
        { stacked: true },
      ),
    );
    this.dashboard.addWidgets(
      graph('Acknowledgements (per 5 minutes)', [
        businessMetric('acknowledgementsSent', { label: 'sent' }),
        businessMetric('acknowledgementsFailed', { label: 'failed (retried)' }),
        businessMetric('acknowledgementsSuppressed', { label: 'suppressed by policy' }),
        businessMetric('acknowledgementsNotQueued', { label: 'not queued at once' }),
      ]),
      graph(
        'Acknowledgement lag (seconds from receipt to SES)',
        (['p50', 'p95', 'Maximum'] as const).map((stat) =>
          seconds(businessMetric('acknowledgementLag', { statistic: stat }), stat),
        ),
        { annotation: { value: ackLag.toSeconds(), label: 'alarm (p95)' } },
      ),
      graph(
        'Received mail ignored by reason, and quarantined',
        [
          ...IGNORED_MAIL_REASONS.map((reason) =>
            businessMetric('mailsIgnored', { dimensions: { reason }, label: reason }),
          ),
          businessMetric('mailsQuarantined', { label: 'quarantined' }),
        ],
        { stacked: true },
      ),
    );
    this.dashboard.addWidgets(
      graph('Dead-letter queues (messages waiting)', [
        props.outbox.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          statistic: cloudwatch.Stats.MAXIMUM,
          period: Duration.minutes(1),
          label: 'outbox (mail to send)',
        }),
        props.intake.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          statistic: cloudwatch.Stats.MAXIMUM,
          period: Duration.minutes(1),
          label: 'intake (received mail)',
        }),
        ...(props.mailFeedback
          ? [
              props.mailFeedback.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
                statistic: cloudwatch.Stats.MAXIMUM,
                period: Duration.minutes(1),
                label: 'mail feedback (bounces, complaints)',
              }),
            ]
          : []),
      ]),
      graph('Work queues: oldest message (seconds)', [
        props.outbox.queue.metricApproximateAgeOfOldestMessage({
          statistic: cloudwatch.Stats.MAXIMUM,
          period: Duration.minutes(1),
          label: 'outbox',
        }),
        props.intake.queue.metricApproximateAgeOfOldestMessage({
          statistic: cloudwatch.Stats.MAXIMUM,
          period: Duration.minutes(1),
          label: 'intake',
        }),
      ]),
      graph('API: requests, 4xx, 5xx', [
        props.api.metricCount({ label: 'requests', period: Duration.minutes(5) }),
        props.api.metricClientError({ label: '4xx', period: Duration.minutes(5) }),
        props.api.metricServerError({ label: '5xx', period: Duration.minutes(5) }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('API latency (ms)', [
        props.api.metricLatency({ statistic: 'p50', label: 'p50', period: Duration.minutes(5) }),
        props.api.metricLatency({ statistic: 'p90', label: 'p90', period: Duration.minutes(5) }),
        props.api.metricLatency({ statistic: 'p99', label: 'p99', period: Duration.minutes(5) }),
      ]),
      graph(
        'Lambda in this account and region: errors, throttles, concurrency',
        ['Errors', 'Throttles', 'ConcurrentExecutions'].map(
          (metricName) =>
            new cloudwatch.Metric({
              namespace: 'AWS/Lambda',
              metricName,
              statistic:
                metricName === 'ConcurrentExecutions'
                  ? cloudwatch.Stats.MAXIMUM
                  : cloudwatch.Stats.SUM,
              period: Duration.minutes(5),
              label: metricName,
            }),
        ),
      ),
      graph('Table: throttle events', [
        tableMetric(props.table, 'ReadThrottleEvents'),
        tableMetric(props.table, 'WriteThrottleEvents'),
      ]),
    );
  }
}

/** The six series of tickets received: every group with every channel. */
function ticketsReceived(): cloudwatch.IMetric[] {
  const pairs: [Group, Channel][] = GROUPS.flatMap((group) =>
    CHANNELS.map((channel): [Group, Channel] => [group, channel]),
  );
  return pairs.map(([group, channel]) =>
    businessMetric('ticketsReceived', {
      dimensions: { group, channel },
      label: `${group} ${channel}`,
    }),
  );
}

function graph(
  title: string,
  left: cloudwatch.IMetric[],
  options: { stacked?: boolean; annotation?: cloudwatch.HorizontalAnnotation } = {},
): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({
    title,
    left,
    width: 8,
    height: 6,
    stacked: options.stacked ?? false,
    ...(options.annotation ? { leftAnnotations: [options.annotation] } : {}),
  });
}

/** A milliseconds metric shown in minutes. */
function minutes(metric: cloudwatch.Metric, label: string): cloudwatch.MathExpression {
  return scaled(metric, 60_000, label);
}

/** A milliseconds metric shown in seconds. */
function seconds(metric: cloudwatch.Metric, label: string): cloudwatch.MathExpression {
  return scaled(metric, 1000, label);
}

/** Ids of the metrics inside expressions: one graph may not use an id for two metrics. */
let expressionIds = 0;

function scaled(metric: cloudwatch.Metric, divisor: number, label: string) {
  const id = `ms${++expressionIds}`;
  return new cloudwatch.MathExpression({
    expression: `${id} / ${divisor}`,
    usingMetrics: { [id]: metric },
    // The metric's own period (an expression would impose its default of 5 minutes).
    period: metric.period,
    label,
  });
}

function tableMetric(table: dynamodb.ITable, metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/DynamoDB',
    metricName,
    dimensionsMap: { TableName: table.tableName },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
    label: metricName,
  });
}

/** An alarm at the first count of a metric without dimensions in 5 minutes. */
function atFirstOne(
  scope: Construct,
  id: string,
  key: 'acknowledgementsNotQueued' | 'mailsQuarantined',
  description: string,
): cloudwatch.Alarm {
  return businessMetric(key).createAlarm(scope, id, {
    alarmDescription: description,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

/** A positive number from the context, or the fallback. */
function positiveContext(scope: Construct, key: string, fallback: number): number {
  const value: unknown = scope.node.tryGetContext(key);
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    throw new Error(`${key} must be a positive number, not ${String(value)}`);
  }
  return number;
}
