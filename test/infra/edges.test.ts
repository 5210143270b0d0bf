import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { retriesOf, SCHEDULED_JOBS } from '../../lib/scheduled-jobs';
import { API_STAGE_NAME } from '../../lib/service-desk-api';
import { RETENTION } from '../../lib/service-desk-data';
import { serviceDeskTemplate } from './synth';
import { getAttTargets, refOf, resourcesOfType, type CfnResource } from './template-model';

let template: Template;
beforeAll(() => {
  template = serviceDeskTemplate();
});

const FOURTEEN_DAYS = 14 * 24 * 3600;

function onlyOne(type: string, idPattern: RegExp): [string, CfnResource] {
  const found = Object.entries(resourcesOfType(template, type)).filter(([id]) =>
    idPattern.test(id),
  );
  expect(found.map(([id]) => id)).toHaveLength(1);
  return found[0] as [string, CfnResource];
}

describe('queues', () => {
  it.each([
    ['outbox', /^DataOutboxQueue[0-9A-F]{8}$/],
    ['intake', /^DataIntakeQueue[0-9A-F]{8}$/],
  ])('the %s queue keeps messages 14 days, not SQS’s default 4', (_name, id) => {
    const [, queue] = onlyOne('AWS::SQS::Queue', id);
    expect(queue.Properties?.MessageRetentionPeriod).toBe(FOURTEEN_DAYS);
  });

  it('the SNS subscription of the intake queue redrives what SNS cannot deliver to the intake dead-letter queue', () => {
    const [dlqId] = onlyOne('AWS::SQS::Queue', /^DataIntakeDeadLetterQueue[0-9A-F]{8}$/);
    const subscriptions = Object.values(resourcesOfType(template, 'AWS::SNS::Subscription'));
    const toIntake = subscriptions.filter(
      (s) => getAttTargets(s.Properties?.Endpoint)[0]?.startsWith('DataIntakeQueue') ?? false,
    );
    expect(toIntake).toHaveLength(1);
    const redrive = toIntake[0]?.Properties?.RedrivePolicy as { deadLetterTargetArn: unknown };
    expect(getAttTargets(redrive.deadLetterTargetArn)).toEqual([dlqId]);
    // SNS may put messages on that queue (its queue policy), from the intake topic only.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlqId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Principal: { Service: 'sns.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });
});

describe('scheduled jobs', () => {
  let failedRunsId: string;
  beforeAll(() => {
    [failedRunsId] = onlyOne('AWS::SQS::Queue', /^JobsFailedRuns[0-9A-F]{8}$/);
  });

  it.each(SCHEDULED_JOBS.map((job) => [job.handler, job] as const))(
    '%s sends a run that failed its retries to the failed-runs queue',
    (handler, job) => {
      const configs = Object.values(
        resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig'),
      ).filter((config) =>
        String(refOf(config.Properties?.FunctionName)).startsWith(
          `Jobs${handler
            .split('-')
            .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
            .join('')}Function`,
        ),
      );
      expect(configs).toHaveLength(1);
      const props = configs[0]?.Properties as {
        MaximumRetryAttempts: number;
        MaximumEventAgeInSeconds: number;
        DestinationConfig: { OnFailure: { Destination: unknown } };
      };
      expect(props.MaximumRetryAttempts).toBe(retriesOf(job));
      expect(props.MaximumEventAgeInSeconds).toBe(3600);
      expect(getAttTargets(props.DestinationConfig.OnFailure.Destination)).toEqual([failedRunsId]);
    },
  );

  it('every schedule has the failed-runs queue as its dead-letter queue', () => {
    const schedules = Object.values(resourcesOfType(template, 'AWS::Scheduler::Schedule'));
    expect(schedules).toHaveLength(SCHEDULED_JOBS.length);
    for (const schedule of schedules) {
      const target = schedule.Properties?.Target as { DeadLetterConfig: { Arn: unknown } };
      expect(getAttTargets(target.DeadLetterConfig.Arn)).toEqual([failedRunsId]);
    }
  });

  it('a message in the failed-runs queue raises an alarm to the alarm topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [failedRunsId, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: Match.anyValue(),
    });
  });

  it('every-minute jobs are not retried (the next run does the work), the others twice', () => {
    expect(retriesOf({ cron: { minute: '*' } })).toBe(0);
    expect(retriesOf({ cron: { minute: '5', hour: '0' } })).toBe(2);
  });
});

describe('buckets', () => {
  it.each([
    ['mail', /^DataMailBucket[0-9A-F]{8}$/],
    ['export', /^DataExportBucket[0-9A-F]{8}$/],
  ])('the %s bucket keeps old versions for a month, then expires them', (_name, id) => {
    const [, bucket] = onlyOne('AWS::S3::Bucket', id);
    expect(bucket.Properties?.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const rules = (bucket.Properties?.LifecycleConfiguration as { Rules: unknown[] }).Rules;
    expect(rules).toContainEqual({
      Id: 'ExpireOldVersions',
      Status: 'Enabled',
      NoncurrentVersionExpiration: { NoncurrentDays: RETENTION.oldVersions.toDays() },
      ExpiredObjectDeleteMarker: true,
    });
  });
});

describe('API Gateway execution log', () => {
  it('is created by the stack with a retention, before the stage that writes to it', () => {
    const [groupId, group] = onlyOne('AWS::Logs::LogGroup', /^ApiExecutionLogs[0-9A-F]{8}$/);
    expect(group.Properties?.RetentionInDays).toBe(30);
    expect(group.Properties?.LogGroupName).toEqual({
      'Fn::Join': [
        '',
        [
          'API-Gateway-Execution-Logs_',
          { Ref: expect.any(String) as string },
          `/${API_STAGE_NAME}`,
        ],
      ],
    });
    const stages = template.findResources('AWS::ApiGateway::Stage') as Record<
      string,
      { DependsOn?: string[] }
    >;
    expect(Object.values(stages)).toHaveLength(1);
    expect(Object.values(stages)[0]?.DependsOn).toContain(groupId);
  });
});
