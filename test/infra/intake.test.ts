import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { readReceiptNotification } from '../../functions/adapters/ses-receipt-notification';
import { quarantineKey, ticketFilesPrefix } from '../../functions/domain/bucket-keys';
import { MAIL_CONTEXT_KEYS } from '../../lib/mail-settings';
import { ACTIVATE_RULE_SET_ACTIONS, INTAKE_BUCKET_ACCESS } from '../../lib/mail-intake';
import { MAIL_PREFIXES } from '../../lib/service-desk-data';
import { BUCKET_ACTIONS, TABLE_ACTIONS } from '../../lib/service-desk-function';
import { CDK_CONTEXT, serviceDesk, serviceDeskTemplate } from './synth';
import {
  actionsOf,
  environmentOf,
  getAttTargets,
  onlyResource,
  resourcesOf,
  resourcesOfType,
  statementsOfFunction,
  type Statement,
} from './template-model';

let template: Template;
let ids: {
  bucket: string;
  topic: string;
  key: string;
  queue: string;
  deadLetter: string;
  ruleSet: string;
  rule: string;
  intake: string;
};
beforeAll(() => {
  template = serviceDeskTemplate();
  const id = (type: string, prefix: string) => onlyResource(template, type, prefix)[0];
  ids = {
    bucket: id('AWS::S3::Bucket', 'DataMailBucket'),
    topic: id('AWS::SNS::Topic', 'MailIntakeTopic'),
    key: id('AWS::KMS::Key', 'MailIntakeTopicKey'),
    queue: id('AWS::SQS::Queue', 'DataIntakeQueue'),
    deadLetter: id('AWS::SQS::Queue', 'DataIntakeDeadLetterQueue'),
    ruleSet: id('AWS::SES::ReceiptRuleSet', 'MailIntakeRuleSet'),
    rule: id('AWS::SES::ReceiptRule', 'MailIntakeRule'),
    intake: id('AWS::Lambda::Function', 'MailIntakeFunction'),
  };
});

const fromSesOfThisAccount = {
  StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
  ArnLike: { 'aws:SourceArn': Match.anyValue() },
};

describe('the SES receipt rule', () => {
  it('receives the support address, scanning for spam and viruses', () => {
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      RuleSetName: { Ref: ids.ruleSet },
      Rule: {
        Enabled: true,
        Recipients: [CDK_CONTEXT[MAIL_CONTEXT_KEYS.supportAddress]],
        ScanEnabled: true,
      },
    });
  });

  it('stores the raw mail under incoming/ and notifies the topic, in one S3 action', () => {
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: {
        Actions: [
          {
            S3Action: {
              BucketName: { Ref: ids.bucket },
              ObjectKeyPrefix: MAIL_PREFIXES.incoming,
              TopicArn: { Ref: ids.topic },
            },
          },
        ],
      },
    });
  });

  it('is created after SES may write the bucket and publish, and the queue is subscribed', () => {
    const rule = template.toJSON().Resources[ids.rule] as { DependsOn: string[] };
    expect(rule.DependsOn).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DataMailBucketPolicy/),
        expect.stringMatching(/^MailIntakeTopicPolicy/),
        expect.stringMatching(/^DataIntakeQueueServiceDeskMailIntakeTopic/),
      ]),
    );
  });

  it('lets SES of this account put objects under incoming/ only', () => {
    const [, policy] = onlyResource(template, 'AWS::S3::BucketPolicy', 'DataMailBucketPolicy');
    const allows = (
      policy.Properties?.PolicyDocument as { Statement: Statement[] }
    ).Statement.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'ses.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: {
          'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.bucket, 'Arn'] }, `/${MAIL_PREFIXES.incoming}*`]],
        },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });
});

describe('the receipt rule set', () => {
  it("is the stack's own, made active by a custom resource, and inactive again before deletion", () => {
    const [, activation] = onlyResource(template, 'Custom::ActiveReceiptRuleSet', 'MailIntake');
    const call = (json: unknown) =>
      JSON.parse(
        typeof json === 'string'
          ? json
          : ((json as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
              .map((part) => (typeof part === 'string' ? part : 'RULE_SET'))
              .join('') as string),
      ) as { service: string; action: string; parameters: Record<string, string> };
    for (const phase of ['Create', 'Update']) {
      expect(call(activation.Properties?.[phase])).toMatchObject({
        service: 'SES',
        action: 'setActiveReceiptRuleSet',
        parameters: { RuleSetName: 'RULE_SET' },
      });
      expect(JSON.stringify(activation.Properties?.[phase])).toContain(`{"Ref":"${ids.ruleSet}"}`);
    }
    expect(call(activation.Properties?.Delete)).toEqual({
      service: 'SES',
      action: 'setActiveReceiptRuleSet',
      parameters: {},
    });
    expect(activation.Properties?.InstallLatestAwsSdk).toBe(false);
  });

  it('is activated by a function that may do that and write its own log, nothing else', () => {
    const functionId = Object.keys(resourcesOfType(template, 'AWS::Lambda::Function')).find((id) =>
      id.startsWith('AWS679f53fac002430cb0da5b7982bd2287'),
    );
    const statements = statementsOfFunction(template, functionId ?? '');
    expect(statements.flatMap(actionsOf).sort()).toEqual(
      ['logs:CreateLogStream', 'logs:PutLogEvents', ...ACTIVATE_RULE_SET_ACTIONS].sort(),
    );
  });

  it('can instead be an existing, active one: the rule joins it and nothing is activated', () => {
    const { stack } = serviceDesk({
      context: { [MAIL_CONTEXT_KEYS.receiptRuleSet]: 'acme-inbound' },
    });
    const existing = Template.fromStack(stack);
    existing.resourceCountIs('AWS::SES::ReceiptRuleSet', 0);
    existing.resourceCountIs('Custom::ActiveReceiptRuleSet', 0);
    existing.hasResourceProperties('AWS::SES::ReceiptRule', { RuleSetName: 'acme-inbound' });
    expect(JSON.stringify(existing.toJSON())).not.toContain('SetActiveReceiptRuleSet');
  });
});

describe('the notification topic', () => {
  it('is encrypted with a key of its own, rotated yearly', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [ids.key, 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('has a key that SES of this account may encrypt with, and no other service', () => {
    const [, key] = onlyResource(template, 'AWS::KMS::Key', 'MailIntakeTopicKey');
    const statements = (key.Properties?.KeyPolicy as { Statement: Record<string, unknown>[] })
      .Statement;
    const services = statements.filter((s) => (s.Principal as { Service?: string }).Service);
    expect(services).toEqual([
      expect.objectContaining({
        Principal: { Service: 'ses.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: expect.objectContaining({
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        }),
      }),
    ]);
  });

  it('takes publications from SES of this account, over TLS only', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: ids.topic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: ids.topic },
            Condition: fromSesOfThisAccount,
          }),
        ]),
      },
    });
  });

  it('delivers to the intake queue in its SNS envelope (the intake parses {Type, Message})', () => {
    const [, subscription] = onlyResource(template, 'AWS::SNS::Subscription', 'DataIntakeQueue');
    expect(subscription.Properties).toMatchObject({
      Protocol: 'sqs',
      TopicArn: { Ref: ids.topic },
      Endpoint: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
    });
    expect(subscription.Properties?.RawMessageDelivery ?? false).toBe(false);
    const received = JSON.stringify({ notificationType: 'Received' });
    expect(
      readReceiptNotification(JSON.stringify({ Type: 'Notification', Message: received })),
    ).toEqual({ notificationType: 'Received' });
    expect(() => readReceiptNotification(received)).toThrow();
  });

  it('may send to the intake queue, and only this topic may', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: ids.queue }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: { ArnEquals: { 'aws:SourceArn': { Ref: ids.topic } } },
          }),
        ]),
      },
    });
  });
});

describe('the intake queues', () => {
  it('are encrypted, TLS only, with 5 receives before the dead-letter queue', () => {
    const queues = resourcesOfType(template, 'AWS::SQS::Queue');
    for (const id of [ids.queue, ids.deadLetter]) {
      expect(queues[id]?.Properties).toMatchObject({ SqsManagedSseEnabled: true });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
    expect(queues[ids.queue]?.Properties?.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [ids.deadLetter, 'Arn'] },
      maxReceiveCount: 5,
    });
  });

  it('alarm as soon as one notification waits in the dead-letter queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.deadLetter, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmDescription: Match.stringLikeRegexp('intake dead-letter queue'),
    });
  });
});

describe('the intake function', () => {
  it('runs functions/jobs/intake.ts with a minute and memory for 40 MB mails', () => {
    expect(
      resourcesOfType(template, 'AWS::Lambda::Function')[ids.intake]?.Properties,
    ).toMatchObject({ Timeout: 60, MemorySize: 1024 });
  });

  it('consumes the intake queue 5 at a time, reporting partial batch failures', () => {
    const [, mapping] = onlyResource(
      template,
      'AWS::Lambda::EventSourceMapping',
      'MailIntakeFunction',
    );
    expect(mapping.Properties).toMatchObject({
      FunctionName: { Ref: ids.intake },
      EventSourceArn: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const window = mapping.Properties?.MaximumBatchingWindowInSeconds as number;
    const visibility = resourcesOfType(template, 'AWS::SQS::Queue')[ids.queue]?.Properties
      ?.VisibilityTimeout as number;
    expect(visibility).toBeGreaterThanOrEqual(6 * 60 + window);
  });

  it('reads and writes the table and puts acknowledgements on the outbox', () => {
    const statements = statementsOfFunction(template, ids.intake);
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(
      [...TABLE_ACTIONS.readwrite].sort(),
    );
    const [outboxId] = onlyResource(template, 'AWS::SQS::Queue', 'DataOutboxQueue');
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [outboxId, 'Arn'] },
      }),
    );
    expect(environmentOf(template, ids.intake)).toMatchObject({
      TABLE_NAME: { Ref: 'DataTableFDBAD0F2' },
      OUTBOX_QUEUE_URL: { Ref: outboxId },
      MAIL_BUCKET: { Ref: ids.bucket },
    });
  });

  it('reads incoming/ and writes attachments/ and quarantine/ of the mail bucket, no more', () => {
    const objects = (pattern: string) =>
      JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.bucket, 'Arn'] }, `/${pattern}`]] });
    const granted = statementsOfFunction(template, ids.intake)
      .filter((s) => actionsOf(s).some((action) => action.startsWith('s3:')))
      .flatMap((s) =>
        actionsOf(s).flatMap((action) =>
          resourcesOf(s).map((resource) => `${action} ${JSON.stringify(resource)}`),
        ),
      );
    const expected = (['read', 'write'] as const).flatMap((access) =>
      (INTAKE_BUCKET_ACCESS[access] ?? []).flatMap((pattern) =>
        BUCKET_ACTIONS[access].map((action) => `${action} ${objects(pattern)}`),
      ),
    );
    expect(granted.sort()).toEqual(expected.sort());
    expect(granted).not.toContain(`s3:PutObject ${objects(`${MAIL_PREFIXES.incoming}*`)}`);
    expect(granted).not.toContain(`s3:GetObject ${objects(`${MAIL_PREFIXES.attachments}*`)}`);
  });

  it('cannot touch the export bucket', () => {
    const [exportBucket] = onlyResource(template, 'AWS::S3::Bucket', 'DataExportBucket');
    expect(getAttTargets(statementsOfFunction(template, ids.intake))).not.toContain(exportBucket);
    expect(environmentOf(template, ids.intake)).not.toHaveProperty('EXPORT_BUCKET');
  });

  it('may write the keys the intake code writes: attachments under their ticket, quarantined mail', () => {
    const granted = (access: 'read' | 'write', key: string) =>
      (INTAKE_BUCKET_ACCESS[access] ?? []).some((pattern) =>
        key.startsWith(pattern.replace(/\*$/, '')),
      );
    const incoming = `${MAIL_PREFIXES.incoming}0123abcd`;
    expect(granted('read', incoming)).toBe(true);
    expect(granted('write', `${ticketFilesPrefix('T-10001', 'f00d')}report.pdf`)).toBe(true);
    expect(granted('write', quarantineKey(incoming))).toBe(true);
    expect(granted('write', incoming)).toBe(false);
  });
});
