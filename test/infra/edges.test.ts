import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/http/routes';
import {
  CLIENT_LIMIT_WINDOW_SECONDS,
  COUNTED_BODY_RULES,
  EDGE_REGION,
  MANAGED_RULE_GROUPS,
  ORIGIN_VERIFY_HEADER,
  WEB_ACL_ARN_PARAMETER,
  pathPattern,
} from '../../lib/edge-protection';
import { CONFIGURATION_SET_VARIABLE, REPUTATION_ALARMS } from '../../lib/mailer';
import { retriesOf, SCHEDULED_JOBS } from '../../lib/scheduled-jobs';
import { EDGE_STACK_ID } from '../../lib/service-desk-app';
import { API_STAGE_NAME } from '../../lib/service-desk-api';
import { RETENTION } from '../../lib/service-desk-data';
import { serviceDesk, serviceDeskTemplate } from './synth';
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

describe('web ACLs', () => {
  let edge: Template;
  beforeAll(() => {
    const { app } = serviceDesk();
    edge = Template.fromStack(app.node.findChild(EDGE_STACK_ID) as Stack);
  });

  it('CloudFront’s web ACL lives in a stack of its own in us-east-1, which the service desk stack waits for', () => {
    const { app, stack } = serviceDesk();
    const edgeStack = app.node.findChild(EDGE_STACK_ID) as Stack;
    expect(edgeStack.region).toBe(EDGE_REGION);
    expect(stack.dependencies).toContain(edgeStack);
    edge.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
    edge.hasResourceProperties('AWS::SSM::Parameter', { Name: WEB_ACL_ARN_PARAMETER });
  });

  it.each(
    routes
      .filter((route) => route.clientLimit !== undefined)
      .map((r) => [r.method, r.path, r] as const),
  )(
    '%s %s is limited per client address at the edge (429 above its clientLimit in 5 minutes)',
    (_method, _path, route) => {
      const acl = Object.values(resourcesOfType(edge, 'AWS::WAFv2::WebACL'))[0];
      const rules = acl?.Properties?.Rules as {
        Name: string;
        Action?: unknown;
        Statement: { RateBasedStatement?: Record<string, unknown> };
      }[];
      const rule = rules.find((r) => r.Name === `ClientLimit-${route.method}-${route.handler}`);
      expect(rule?.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 429 } } });
      expect(rule?.Statement.RateBasedStatement).toMatchObject({
        AggregateKeyType: 'IP',
        EvaluationWindowSec: CLIENT_LIMIT_WINDOW_SECONDS,
        Limit: route.clientLimit,
      });
      expect(JSON.stringify(rule?.Statement)).toContain(JSON.stringify(pathPattern(route)));
    },
  );

  it('public routes with a shared throttle all have a per-client limit too', () => {
    for (const route of routes.filter((r) => r.throttle && r.auth === 'public')) {
      expect(route.clientLimit, `${route.method} ${route.path}`).toBeGreaterThan(0);
    }
  });

  it('the managed rule groups are in, with the body rules only counting (tickets describe code)', () => {
    const acl = Object.values(resourcesOfType(edge, 'AWS::WAFv2::WebACL'))[0];
    const rules = acl?.Properties?.Rules as {
      Name: string;
      Statement: { ManagedRuleGroupStatement?: { Name: string; RuleActionOverrides?: unknown } };
    }[];
    const groups = rules.flatMap((r) => r.Statement.ManagedRuleGroupStatement ?? []);
    expect(groups.map((g) => g.Name)).toEqual([...MANAGED_RULE_GROUPS]);
    const core = groups.find((g) => g.Name === 'AWSManagedRulesCommonRuleSet');
    expect(core?.RuleActionOverrides).toEqual(
      COUNTED_BODY_RULES.map((Name) => ({ Name, ActionToUse: { Count: {} } })),
    );
  });

  it('a path pattern matches its route’s paths and nothing longer', () => {
    const confirm = new RegExp(pathPattern({ path: '/tickets/{ticketId}/confirm' }));
    expect(confirm.test('/tickets/T-10001/confirm')).toBe(true);
    expect(confirm.test('/tickets/T-10001/confirm/x')).toBe(false);
    expect(confirm.test('/tickets/a/b/confirm')).toBe(false);
    expect(new RegExp(pathPattern({ path: '/tickets' })).test('/tickets/')).toBe(false);
  });

  it('the distribution uses the edge web ACL and sends the origin secret to the API', () => {
    const distribution = Object.values(
      resourcesOfType(template, 'AWS::CloudFront::Distribution'),
    )[0];
    const config = distribution?.Properties?.DistributionConfig as {
      WebACLId: unknown;
      Origins: {
        CustomOriginConfig?: unknown;
        OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[];
      }[];
    };
    expect(getAttTargets(config.WebACLId)[0]).toMatch(/^EdgeWebAclNestedStack/);
    const apiOrigin = config.Origins.find((o) => o.CustomOriginConfig !== undefined);
    const header = apiOrigin?.OriginCustomHeaders?.find(
      (h) => h.HeaderName === ORIGIN_VERIFY_HEADER,
    );
    // A dynamic reference to the generated secret, resolved by CloudFormation: never in the template.
    expect(JSON.stringify(header?.HeaderValue)).toContain('{{resolve:secretsmanager:');
  });

  it('the API stage is guarded by a regional web ACL that blocks what lacks the origin secret', () => {
    const [aclId, acl] = onlyOne('AWS::WAFv2::WebACL', /^ApiOriginWebAcl/);
    expect(acl.Properties?.Scope).toBe('REGIONAL');
    expect(acl.Properties?.DefaultAction).toEqual({ Block: {} });
    const rules = acl.Properties?.Rules as {
      Action: unknown;
      Statement: { ByteMatchStatement: Record<string, unknown> };
    }[];
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Action).toEqual({ Allow: {} });
    expect(rules[0]?.Statement.ByteMatchStatement).toMatchObject({
      FieldToMatch: { SingleHeader: { Name: ORIGIN_VERIFY_HEADER } },
      PositionalConstraint: 'EXACTLY',
    });
    expect(JSON.stringify(rules[0]?.Statement.ByteMatchStatement.SearchString)).toContain(
      '{{resolve:secretsmanager:',
    );
    const [, association] = onlyOne('AWS::WAFv2::WebACLAssociation', /^ApiOriginAssociation/);
    expect(getAttTargets(association.Properties?.WebACLArn)).toEqual([aclId]);
    expect(JSON.stringify(association.Properties?.ResourceArn)).toContain('/stages/');
  });

  it('a web ACL ARN from the context replaces the deploy-time lookup', () => {
    const arn =
      'arn:aws:wafv2:us-east-1:111111111111:global/webacl/x/00000000-0000-0000-0000-000000000000';
    const { stack } = serviceDesk({ context: { 'servicedesk:webAclArn': arn } });
    const t = Template.fromStack(stack);
    // No lookup: the one nested stack left is the scheduled jobs' (lib/service-desk-stack.ts),
    // where without the context the reader's stack stands beside it.
    const nestedStacks = (template: Template): string[] =>
      Object.keys(resourcesOfType(template, 'AWS::CloudFormation::Stack'))
        .map((id) => id.replace(/NestedStack.*$/, ''))
        .sort();
    expect(nestedStacks(t)).toEqual(['JobsStack']);
    expect(nestedStacks(Template.fromStack(serviceDesk().stack))).toEqual([
      'EdgeWebAcl',
      'JobsStack',
    ]);
    t.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: arn }),
    });
  });
});

describe('SES configuration set', () => {
  it('suppresses addresses that bounced hard or complained, and publishes reputation metrics', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
  });

  it('counts bounces, complaints and rejects in CloudWatch by ticket', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint', 'reject'],
        CloudWatchDestination: {
          DimensionConfigurations: [
            {
              DimensionName: 'ticket',
              DimensionValueSource: 'messageTag',
              DefaultDimensionValue: 'none',
            },
          ],
        },
      }),
    });
  });

  it('is the set the mailer sends with, and it may send with it', () => {
    const [setId] = onlyOne('AWS::SES::ConfigurationSet', /^MailerConfigurationSet/);
    const [mailerId, mailer] = onlyOne('AWS::Lambda::Function', /^MailerFunction[0-9A-F]{8}$/);
    const variables = (mailer.Properties?.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(variables[CONFIGURATION_SET_VARIABLE]).toEqual({ Ref: setId });
    const policies = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties?.Roles).includes('MailerFunctionRole'),
    );
    expect(JSON.stringify(policies)).toContain(':configuration-set/');
    expect(mailerId).toMatch(/^MailerFunction/);
  });

  it.each(Object.values(REPUTATION_ALARMS))(
    'raises an alarm when $metricName goes over $threshold',
    ({ metricName, threshold }) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SES',
        MetricName: metricName,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: Match.anyValue(),
      });
    },
  );
});
