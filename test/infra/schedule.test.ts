import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_PREFIXES, MAIL_PREFIXES } from '../../lib/service-desk-data';
import { BUCKET_ACTIONS, TABLE_ACTIONS } from '../../lib/service-desk-function';
import {
  deploymentTemplate,
  SERVICE_DESK_NESTED_STACKS,
  serviceDesk,
  serviceDeskTemplate,
} from './synth';
import {
  actionsOf,
  environmentOf,
  getAttTargets,
  onlyResource,
  resourcesOf,
  resourcesOfType,
  statementsOfFunction,
  type CfnResource,
} from './template-model';

let template: Template;
beforeAll(() => {
  template = serviceDeskTemplate();
});

/** The scheduled jobs' failed-runs queue (their on-failure destination). */
const failedRunsId = (): string => onlyResource(template, 'AWS::SQS::Queue', 'JobsFailedRuns')[0];

/** What Lambda's on-failure destination grants a job: sending to the failed-runs queue only. */
const failedRunGrant = () =>
  expect.objectContaining({
    Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
    Resource: { 'Fn::GetAtt': [failedRunsId(), 'Arn'] },
  }) as unknown;

/** The schedule whose target is the function with this logical id prefix. */
function scheduleOf(functionPrefix: string): { schedule: CfnResource; functionId: string } {
  const found = Object.values(resourcesOfType(template, 'AWS::Scheduler::Schedule')).flatMap(
    (schedule) => {
      const target = schedule.Properties?.Target as { Arn: unknown };
      const [functionId] = getAttTargets(target.Arn);
      return functionId?.startsWith(functionPrefix) ? [{ schedule, functionId }] : [];
    },
  );
  expect(found).toHaveLength(1);
  return found[0] as { schedule: CfnResource; functionId: string };
}

describe('the schedules', () => {
  it('are the acknowledgement sweeper, the daily contract regrouping, the monthly export, the queue recount, the SLA escalation, the queue metrics and the retention job', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 7);
  });

  it('each use a role that may invoke their function only', () => {
    for (const prefix of [
      'JobsSweepAcknowledgementsFunction',
      'JobsRegroupContractsFunction',
      'JobsMonthlyExportFunction',
      'JobsEscalateServiceLevelsFunction',
      'JobsPublishQueueMetricsFunction',
      'JobsRecountQueueFunction',
      'JobsApplyRetentionFunction',
    ]) {
      const { schedule, functionId } = scheduleOf(prefix);
      const target = schedule.Properties?.Target as { RoleArn: unknown };
      const [roleLogicalId] = getAttTargets(target.RoleArn);
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: roleLogicalId }],
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: 'lambda:InvokeFunction',
              Resource: [
                { 'Fn::GetAtt': [functionId, 'Arn'] },
                { 'Fn::Join': ['', [{ 'Fn::GetAtt': [functionId, 'Arn'] }, ':*']] },
              ],
            },
            // The schedule's dead-letter queue: a run it could not invoke is kept there.
            {
              Effect: 'Allow',
              Action: 'sqs:SendMessage',
              Resource: { 'Fn::GetAtt': [failedRunsId(), 'Arn'] },
            },
          ],
        },
      });
      const role = resourcesOfType(template, 'AWS::IAM::Role')[roleLogicalId ?? ''];
      expect(role?.Properties?.AssumeRolePolicyDocument).toMatchObject({
        Statement: [
          {
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: expect.objectContaining({
                'aws:SourceAccount': { Ref: 'AWS::AccountId' },
              }),
            },
          },
        ],
      });
    }
  });
});

describe('the acknowledgement sweeper', () => {
  it('runs every minute', () => {
    const { schedule } = scheduleOf('JobsSweepAcknowledgementsFunction');
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(* * * * ? *)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
    const { functionId } = scheduleOf('JobsSweepAcknowledgementsFunction');
    expect(
      resourcesOfType(template, 'AWS::Lambda::Function')[functionId]?.Properties,
    ).toMatchObject({ Timeout: 60 });
  });

  it('reads the pending index and writes the table, queues acknowledgements on the outbox and reports failed runs, nothing else', () => {
    const { functionId } = scheduleOf('JobsSweepAcknowledgementsFunction');
    const statements = statementsOfFunction(template, functionId);
    expect(statements.flatMap(actionsOf)).toEqual(
      expect.arrayContaining([...TABLE_ACTIONS.readwrite]),
    );
    const [queueId] = onlyResource(template, 'AWS::SQS::Queue', 'DataOutboxQueue');
    expect(environmentOf(template, functionId)).toMatchObject({
      OUTBOX_QUEUE_URL: { Ref: queueId },
    });
    expect(
      statements.filter((s) => actionsOf(s).some((action) => action.startsWith('sqs:'))),
    ).toEqual([
      failedRunGrant(),
      expect.objectContaining({
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
      }),
    ]);
  });
});

describe('the queue recount', () => {
  it('runs hourly, at minute 17 Berlin time', () => {
    const { schedule } = scheduleOf('JobsRecountQueueFunction');
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(17 * * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
  });

  it('runs functions/jobs/recount-queue.ts with the table to read and correct, and nothing else', () => {
    const { functionId } = scheduleOf('JobsRecountQueueFunction');
    const statements = statementsOfFunction(template, functionId);
    expect(statements.flatMap(actionsOf)).toEqual(
      expect.arrayContaining([...TABLE_ACTIONS.readwrite]),
    );
    // No bucket, no outbox: its only queue is the failed-runs queue it reports a failed run to.
    expect(
      statements.filter((s) =>
        actionsOf(s).some((a) => a.startsWith('sqs:') || a.startsWith('s3:')),
      ),
    ).toEqual([failedRunGrant()]);
    expect(environmentOf(template, functionId)).toMatchObject({
      TABLE_NAME: { Ref: 'DataTableFDBAD0F2' },
    });
    expect(
      resourcesOfType(template, 'AWS::Lambda::Function')[functionId]?.Properties,
    ).toMatchObject({ Timeout: 300 });
  });
});

describe('the daily contract regrouping', () => {
  it('runs at 00:05 Berlin time, not UTC', () => {
    const { schedule } = scheduleOf('JobsRegroupContractsFunction');
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(5 0 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
  });

  it('invokes the regroup-contracts job, which may read and write the table', () => {
    const { functionId } = scheduleOf('JobsRegroupContractsFunction');
    const actions = statementsOfFunction(template, functionId).flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining([...TABLE_ACTIONS.readwrite]));
    expect(environmentOf(template, functionId)).toMatchObject({
      TABLE_NAME: { Ref: 'DataTableFDBAD0F2' },
    });
  });
});

describe('the monthly export', () => {
  it('runs at 06:00 on the 1st of each month, Berlin time', () => {
    const { schedule } = scheduleOf('JobsMonthlyExportFunction');
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 6 1 * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      // The job writes the same files again and mails once, so retries are safe.
      Target: { RetryPolicy: { MaximumRetryAttempts: 2 } },
    });
  });

  it('runs functions/jobs/monthly-export.ts, with time for a large month', () => {
    const { functionId } = scheduleOf('JobsMonthlyExportFunction');
    expect(
      resourcesOfType(template, 'AWS::Lambda::Function')[functionId]?.Properties,
    ).toMatchObject({ Timeout: 15 * 60, MemorySize: 1024 });
  });

  it('reads the table, and may not write it', () => {
    const { functionId } = scheduleOf('JobsMonthlyExportFunction');
    const actions = statementsOfFunction(template, functionId)
      .flatMap(actionsOf)
      .filter((action) => action.startsWith('dynamodb:'));
    expect(actions.sort()).toEqual([...TABLE_ACTIONS.read].sort());
  });

  it('writes monthly/ of the export bucket, and nothing else there', () => {
    const { functionId } = scheduleOf('JobsMonthlyExportFunction');
    const [bucketId] = onlyResource(template, 'AWS::S3::Bucket', 'DataExportBucket');
    const s3Statements = statementsOfFunction(template, functionId).filter((s) =>
      actionsOf(s).some((action) => action.startsWith('s3:')),
    );
    expect(s3Statements).toEqual([
      expect.objectContaining({
        Action: [...BUCKET_ACTIONS.write].sort(),
        Resource: {
          'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${EXPORT_PREFIXES.monthly}*`]],
        },
      }),
    ]);
    expect(s3Statements.flatMap(resourcesOf)).toHaveLength(1);
    expect(environmentOf(template, functionId)).toMatchObject({ EXPORT_BUCKET: { Ref: bucketId } });
  });

  it('mails finance through the outbox', () => {
    const { functionId } = scheduleOf('JobsMonthlyExportFunction');
    const [queueId] = onlyResource(template, 'AWS::SQS::Queue', 'DataOutboxQueue');
    expect(environmentOf(template, functionId)).toMatchObject({
      OUTBOX_QUEUE_URL: { Ref: queueId },
    });
    const sqsStatements = statementsOfFunction(template, functionId).filter((s) =>
      actionsOf(s).some((action) => action.startsWith('sqs:')),
    );
    expect(sqsStatements).toEqual([
      failedRunGrant(),
      expect.objectContaining({
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
      }),
    ]);
  });
});

describe('the SLA escalation', () => {
  it('runs every minute', () => {
    const { schedule } = scheduleOf('JobsEscalateServiceLevelsFunction');
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(* * * * ? *)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
    expect(
      resourcesOfType(template, 'AWS::Lambda::Function')[
        scheduleOf('JobsEscalateServiceLevelsFunction').functionId
      ]?.Properties,
    ).toMatchObject({ Timeout: 60 });
  });

  it('reads and writes the table (marks the stages) and mails through the outbox', () => {
    const { functionId } = scheduleOf('JobsEscalateServiceLevelsFunction');
    const actions = statementsOfFunction(template, functionId).flatMap(actionsOf);
    expect(actions).toEqual(
      expect.arrayContaining([...TABLE_ACTIONS.readwrite, 'sqs:SendMessage']),
    );
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
    const [queueId] = onlyResource(template, 'AWS::SQS::Queue', 'DataOutboxQueue');
    expect(environmentOf(template, functionId)).toMatchObject({
      OUTBOX_QUEUE_URL: { Ref: queueId },
    });
  });
});

describe('the queue metrics job', () => {
  it('runs functions/jobs/publish-queue-metrics.ts every minute, Berlin time', () => {
    const { schedule } = scheduleOf('JobsPublishQueueMetricsFunction');
    expect(schedule.Properties?.ScheduleExpression).toBe('cron(* * * * ? *)');
    expect(schedule.Properties?.ScheduleExpressionTimezone).toBe('Europe/Berlin');
  });

  it('may only read the table (and write nothing else)', () => {
    const { functionId } = scheduleOf('JobsPublishQueueMetricsFunction');
    const statements = statementsOfFunction(template, functionId);
    const actions = statements.flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining([...TABLE_ACTIONS.read]));
    // Its one queue is the failed-runs queue a failed run goes to (Lambda's on-failure).
    expect(statements.filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:')))).toEqual([
      failedRunGrant(),
    ]);
    for (const action of actions) {
      if (action.startsWith('sqs:')) continue; // the failed-run grant, checked above
      expect(
        action.startsWith('dynamodb:')
          ? TABLE_ACTIONS.read
          : [
              'xray:PutTraceSegments',
              'xray:PutTelemetryRecords',
              'logs:CreateLogStream',
              'logs:PutLogEvents',
            ],
      ).toContain(action);
    }
  });
});

describe('the retention job (SPEC §13)', () => {
  it('runs daily at 03:30 Berlin time', () => {
    const { schedule } = scheduleOf('JobsApplyRetentionFunction');
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(30 3 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
    });
  });

  it('reads and writes the table and deletes only attachments/ and incoming/ of the mail bucket', () => {
    const { functionId } = scheduleOf('JobsApplyRetentionFunction');
    const actions = statementsOfFunction(template, functionId).flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining([...TABLE_ACTIONS.readwrite]));
    const [bucketId] = onlyResource(template, 'AWS::S3::Bucket', 'DataMailBucket');
    const s3Statements = statementsOfFunction(template, functionId).filter((s) =>
      actionsOf(s).some((action) => action.startsWith('s3:')),
    );
    expect(s3Statements.flatMap(actionsOf)).toEqual([...BUCKET_ACTIONS.delete]);
    const objects = (prefix: string) => ({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${prefix}`]],
    });
    expect(s3Statements.flatMap(resourcesOf)).toEqual([
      objects(`${MAIL_PREFIXES.attachments}*`),
      objects(`${MAIL_PREFIXES.incoming}*`),
    ]);
    expect(environmentOf(template, functionId)).toMatchObject({ MAIL_BUCKET: { Ref: bucketId } });
    // The defaults (24 months, 10 years) are the code's, unless the context sets them.
    expect(environmentOf(template, functionId)).not.toHaveProperty('RETENTION_MONTHS');
  });

  it('takes RETENTION_MONTHS and BILLING_RETENTION_YEARS from the context, and refuses nonsense', () => {
    const configured = deploymentTemplate(
      serviceDesk({
        context: { 'servicedesk:retentionMonths': 36, 'servicedesk:billingYears': '11' },
      }).stack,
      SERVICE_DESK_NESTED_STACKS,
    );
    const [functionId] = Object.keys(resourcesOfType(configured, 'AWS::Lambda::Function')).filter(
      (id) => id.startsWith('JobsApplyRetentionFunction'),
    );
    expect(environmentOf(configured, functionId ?? '')).toMatchObject({
      RETENTION_MONTHS: '36',
      BILLING_RETENTION_YEARS: '11',
    });
    expect(() => serviceDesk({ context: { 'servicedesk:retentionMonths': 'soon' } })).toThrow(
      /RETENTION_MONTHS/,
    );
  });
});
