import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  METRICS,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  type MetricKey,
} from '../../functions/domain/metric-names';
import {
  ACK_LAG_ALARM_CONTEXT_KEY,
  CONTRACT_WAIT_ALARM_CONTEXT_KEY,
} from '../../lib/observability';
import { POWERTOOLS_ENVIRONMENT } from '../../lib/service-desk-function';
import { serviceDesk, serviceDeskTemplate } from './synth';
import { environmentOf, getAttTargets, resourcesOfType, type CfnResource } from './template-model';

let template: Template;
let dashboardBody: string;
let alarms: CfnResource[];
beforeAll(() => {
  template = serviceDeskTemplate();
  const dashboards = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  // The body is a Fn::Join of JSON text and tokens (table, queue, API names): its text parts
  // hold every metric's namespace, name and dimensions.
  dashboardBody = JSON.stringify(dashboards[0]?.Properties?.DashboardBody);
  alarms = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm'));
});

/** The alarm on a business metric, found by the metric's name (directly or in an expression). */
function alarmOn(key: MetricKey): CfnResource {
  const name = METRICS[key].name;
  const found = alarms.filter((alarm) => {
    const props = alarm.Properties ?? {};
    if (props.MetricName === name) return props.Namespace === METRICS_NAMESPACE;
    const parts = (props.Metrics ?? []) as { MetricStat?: { Metric: { MetricName: string } } }[];
    return parts.some((part) => part.MetricStat?.Metric.MetricName === name);
  });
  expect(found, name).toHaveLength(1);
  return found[0] as CfnResource;
}

/** The dimensions of the alarm's metric (or of the expression's metrics), by name. */
function dimensionsOf(alarm: CfnResource): Record<string, unknown>[] {
  const props = alarm.Properties ?? {};
  const lists = props.Dimensions
    ? [props.Dimensions]
    : ((props.Metrics ?? []) as { MetricStat?: { Metric: { Dimensions?: unknown } } }[])
        .filter((part) => part.MetricStat)
        .map((part) => part.MetricStat?.Metric.Dimensions);
  return (lists as { Name: string; Value: unknown }[][]).map((list) =>
    Object.fromEntries(list.map((d) => [d.Name, d.Value])),
  );
}

describe('the operations dashboard', () => {
  it('has a widget for every business metric, as the functions write it', () => {
    expect(dashboardBody).toContain(`\\"${METRICS_NAMESPACE}\\"`);
    for (const { name } of Object.values(METRICS)) {
      expect(dashboardBody, name).toContain(`\\"${METRICS_NAMESPACE}\\",\\"${name}\\"`);
    }
    // Every business series names the service dimension Powertools writes.
    const series = dashboardBody.match(/\\"ServiceDesk\\",\\"\w+\\"[^\]]*/g) ?? [];
    expect(series.length).toBeGreaterThanOrEqual(Object.keys(METRICS).length);
    for (const one of series) expect(one).toContain(`\\"service\\",\\"${METRICS_SERVICE}\\"`);
  });

  it('shows every group and channel of tickets received, and every reason of ignored mail', () => {
    for (const channel of ['web', 'email', 'phone']) {
      expect(dashboardBody).toContain(`\\"channel\\",\\"${channel}\\"`);
    }
    for (const reason of ['spam-or-virus', 'bounce', 'auto-reply', 'mailing-list', 'other']) {
      expect(dashboardBody).toContain(`\\"reason\\",\\"${reason}\\"`);
    }
  });

  it('shows the dead-letter queues, the API, Lambda and the table', () => {
    for (const metric of [
      'ApproximateNumberOfMessagesVisible',
      'ApproximateAgeOfOldestMessage',
      '5XXError',
      'Latency',
      'Throttles',
      'WriteThrottleEvents',
    ]) {
      expect(dashboardBody).toContain(metric);
    }
  });

  it('has a board of the alarms', () => {
    expect(dashboardBody).toContain('\\"type\\":\\"alarm\\"');
  });
});

describe('the alarms an operator acts on', () => {
  it('fires when the oldest contract ticket waited an hour', () => {
    const alarm = alarmOn('oldestWaiting');
    expect(alarm.Properties).toMatchObject({
      Statistic: 'Maximum',
      Threshold: 60 * 60_000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(dimensionsOf(alarm)).toEqual([{ service: METRICS_SERVICE, group: 'contract' }]);
  });

  it('fires at the first service-level breach, of either target', () => {
    const alarm = alarmOn('slaBreaches');
    expect(alarm.Properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(dimensionsOf(alarm)).toEqual([
      { service: METRICS_SERVICE, target: 'firstResponse' },
      { service: METRICS_SERVICE, target: 'resolution' },
    ]);
  });

  it('fires when acknowledgements take longer than 5 minutes (p95)', () => {
    expect(alarmOn('acknowledgementLag').Properties).toMatchObject({
      ExtendedStatistic: 'p95',
      Threshold: 300_000,
      Dimensions: [{ Name: 'service', Value: METRICS_SERVICE }],
    });
  });

  it('fires at the first acknowledgement not queued and the first quarantined mail', () => {
    for (const key of ['acknowledgementsNotQueued', 'mailsQuarantined'] as const) {
      expect(alarmOn(key).Properties, key).toMatchObject({
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        Dimensions: [{ Name: 'service', Value: METRICS_SERVICE }],
      });
    }
  });

  it('fires on Lambda throttles and table throttles', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Threshold: 1,
    });
    const tableAlarm = alarms.find((alarm) =>
      JSON.stringify(alarm.Properties?.Metrics ?? []).includes('WriteThrottleEvents'),
    );
    expect(tableAlarm?.Properties?.Threshold).toBe(10);
  });

  it('still has the dead-letter, 5xx and function-error alarms', () => {
    // One per dead-letter queue: the outbox's, the intake's, the jobs' failed runs and the
    // mail feedback's.
    const visible = alarms
      .filter((a) => a.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible')
      .flatMap((a) => getAttTargets(a.Properties?.Dimensions));
    expect(visible.map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'DataIntakeDeadLetterQueue',
      'DataOutboxDeadLetterQueue',
      'JobsFailedRuns',
      'MailFeedbackReportsDeadLetterQueue',
    ]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: '5XXError' });
    expect(alarms.filter((a) => a.Properties?.MetricName === 'Errors').length).toBeGreaterThan(20);
  });

  it('says in each description what to do', () => {
    for (const alarm of alarms) {
      expect(String(alarm.Properties?.AlarmDescription ?? '').length).toBeGreaterThan(30);
    }
  });

  it('takes its thresholds from the context', () => {
    const custom = Template.fromStack(
      serviceDesk({
        context: { [CONTRACT_WAIT_ALARM_CONTEXT_KEY]: 20, [ACK_LAG_ALARM_CONTEXT_KEY]: 90 },
      }).stack,
    );
    custom.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: METRICS.oldestWaiting.name,
      Threshold: 20 * 60_000,
    });
    custom.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: METRICS.acknowledgementLag.name,
      Threshold: 90_000,
    });
    expect(() => serviceDesk({ context: { [CONTRACT_WAIT_ALARM_CONTEXT_KEY]: 'soon' } })).toThrow(
      /contractWaitAlarmMinutes must be a positive number/,
    );
  });
});

describe('Powertools settings', () => {
  it('every function gets the service name, namespace, log level, sampling and tracer settings', () => {
    // The service desk's own functions; CDK's custom-resource providers (AWS…) are not ours.
    const functions = Object.keys(resourcesOfType(template, 'AWS::Lambda::Function')).filter(
      (id) => !id.startsWith('AWS') && !id.startsWith('Custom'),
    );
    expect(functions.length).toBeGreaterThan(20);
    for (const id of functions) {
      expect(environmentOf(template, id), id).toMatchObject(POWERTOOLS_ENVIRONMENT);
    }
    expect(POWERTOOLS_ENVIRONMENT).toMatchObject({
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_SERVICE_NAME: METRICS_SERVICE,
      POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
      POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
    });
  });
});
