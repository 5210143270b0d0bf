import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAIL_CONTEXT_KEYS } from '../../lib/mail-settings';
import {
  MAILS_PER_SECOND_PER_INVOCATION,
  mailerConcurrencyFor,
  SES_SEND_ACTIONS,
} from '../../lib/mailer';
import { TABLE_ACTIONS } from '../../lib/service-desk-function';
import { CDK_CONTEXT, serviceDeskTemplate } from './synth';
import {
  actionsOf,
  environmentOf,
  onlyResource,
  refOf,
  resourcesOfType,
  statementsOfFunction,
  type CfnResource,
} from './template-model';

let template: Template;
beforeAll(() => {
  template = serviceDeskTemplate();
});

describe('the outbox queues (stateful)', () => {
  let queueId: string;
  let queue: CfnResource;
  let deadLetterId: string;
  let deadLetter: CfnResource;
  beforeAll(() => {
    [queueId, queue] = onlyResource(template, 'AWS::SQS::Queue', 'DataOutboxQueue');
    [deadLetterId, deadLetter] = onlyResource(
      template,
      'AWS::SQS::Queue',
      'DataOutboxDeadLetterQueue',
    );
  });

  it('are the outbox and its dead-letter queue, beside the intake queues, the failed job runs and the mail feedback', () => {
    expect(Object.keys(resourcesOfType(template, 'AWS::SQS::Queue')).sort()).toEqual([
      expect.stringMatching(/^DataIntakeDeadLetterQueue/),
      expect.stringMatching(/^DataIntakeQueue/),
      deadLetterId,
      queueId,
      expect.stringMatching(/^JobsFailedRuns/),
      expect.stringMatching(/^MailFeedbackReportsDeadLetterQueue/),
      expect.stringMatching(/^MailFeedbackReportsQueue/),
    ]);
  });

  it('are both encrypted with SQS-managed keys', () => {
    for (const q of [queue, deadLetter]) {
      expect(q.Properties).toMatchObject({ SqsManagedSseEnabled: true });
      expect(q.Properties).not.toHaveProperty('KmsMasterKeyId');
    }
  });

  it('both refuse requests without TLS', () => {
    for (const id of [queueId, deadLetterId]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Resource: { 'Fn::GetAtt': [id, 'Arn'] },
            },
          ]),
        },
      });
    }
  });

  it('move a message to the dead-letter queue after 5 receives', () => {
    expect(queue.Properties?.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterId, 'Arn'] },
      maxReceiveCount: 5,
    });
  });

  it('keep dead letters 14 days', () => {
    expect(deadLetter.Properties?.MessageRetentionPeriod).toBe(14 * 24 * 60 * 60);
  });

  it("hide a received message for at least 6 × the mailer's timeout + its batching window", () => {
    const [, mailer] = onlyResource(template, 'AWS::Lambda::Function', 'MailerFunction');
    const [, mapping] = onlyResource(template, 'AWS::Lambda::EventSourceMapping', 'Mailer');
    const timeout = mailer.Properties?.Timeout as number;
    const window = mapping.Properties?.MaximumBatchingWindowInSeconds as number;
    expect(queue.Properties?.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout + window);
  });

  it('alarm as soon as one message waits in the dead-letter queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetterId, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarm when the oldest message on the outbox waits too long', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('are output by URL', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(refOf(outputs.OutboxQueueUrl?.Value)).toBe(queueId);
    expect(refOf(outputs.OutboxDeadLetterQueueUrl?.Value)).toBe(deadLetterId);
  });
});

describe('the mailer', () => {
  let mailerId: string;
  let queueId: string;
  beforeAll(() => {
    [mailerId] = onlyResource(template, 'AWS::Lambda::Function', 'MailerFunction');
    [queueId] = onlyResource(template, 'AWS::SQS::Queue', 'DataOutboxQueue');
  });

  it('runs functions/jobs/mailer.ts with a timeout of its own', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('outbox'),
      Timeout: 30,
    });
  });

  it('runs as many invocations at a time as the SES quota keeps busy', () => {
    expect(mailerConcurrencyFor(1)).toBe(2);
    expect(mailerConcurrencyFor(14)).toBe(2);
    expect(mailerConcurrencyFor(50)).toBe(10);
    expect(mailerConcurrencyFor(1_000_000)).toBe(1000);
    expect(MAILS_PER_SECOND_PER_INVOCATION).toBeGreaterThan(0);
  });

  it('consumes the outbox 10 at a time, reporting partial batch failures', () => {
    const mappings = Object.values(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping'));
    expect(
      mappings
        .filter((m) => refOf(m.Properties?.FunctionName) === mailerId)
        .map((m) => m.Properties?.EventSourceArn),
    ).toEqual([{ 'Fn::GetAtt': [queueId, 'Arn'] }]);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: mailerId },
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: Match.anyValue(),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      // SES grants 14 mails a second at first: two invocations of ~5 mails a second each.
      ScalingConfig: { MaximumConcurrency: mailerConcurrencyFor(14) },
    });
    expect(mailerConcurrencyFor(14)).toBe(2);
    const [, mapping] = onlyResource(template, 'AWS::Lambda::EventSourceMapping', 'Mailer');
    const window = mapping.Properties?.MaximumBatchingWindowInSeconds as number;
    expect(window).toBeGreaterThan(0);
    expect(window).toBeLessThanOrEqual(10);
  });

  it('may receive, delete and back off (ChangeMessageVisibility) on the outbox only', () => {
    const sqsStatements = statementsOfFunction(template, mailerId).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('sqs:')),
    );
    expect(sqsStatements.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [queueId, 'Arn'] }]);
    const actions = sqsStatements.flatMap(actionsOf);
    expect(actions).toEqual(
      expect.arrayContaining([
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:ChangeMessageVisibility',
      ]),
    );
    expect(actions).not.toContain('sqs:SendMessage');
    expect(actions).not.toContain('sqs:PurgeQueue');
  });

  it('reads and writes the table', () => {
    const actions = statementsOfFunction(template, mailerId)
      .flatMap(actionsOf)
      .filter((a) => a.startsWith('dynamodb:'));
    expect(actions.sort()).toEqual([...TABLE_ACTIONS.readwrite].sort());
    expect(environmentOf(template, mailerId).TABLE_NAME).toEqual({ Ref: 'DataTableFDBAD0F2' });
  });

  it('may send mail as the SES identity of the support domain with its configuration set, and nothing else', () => {
    const [identityId] = onlyResource(template, 'AWS::SES::EmailIdentity', 'DataMailIdentity');
    const [setId] = onlyResource(template, 'AWS::SES::ConfigurationSet', 'MailerConfigurationSet');
    const sesStatements = statementsOfFunction(template, mailerId).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('ses:')),
    );
    // SES authorizes a send on the identity and on the configuration set it names (one
    // statement or two, as CDK merges them).
    const arn = (kind: string, id: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':ses:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          `:${kind}/`,
          { Ref: id },
        ],
      ],
    });
    for (const statement of sesStatements) {
      expect([statement.Action].flat().sort()).toEqual([...SES_SEND_ACTIONS].sort());
      expect(JSON.stringify(statement.Resource)).not.toContain('*');
    }
    const resources = sesStatements.flatMap((s) => [s.Resource].flat());
    expect(resources).toHaveLength(2);
    expect(resources).toEqual(
      expect.arrayContaining([arn('identity', identityId), arn('configuration-set', setId)]),
    );
  });

  it("is configured from the context's mail settings", () => {
    expect(environmentOf(template, mailerId)).toMatchObject({
      SUPPORT_ADDRESS: CDK_CONTEXT[MAIL_CONTEXT_KEYS.supportAddress],
      SUPPORT_NAME: CDK_CONTEXT[MAIL_CONTEXT_KEYS.supportName],
      SALES_PHONE: CDK_CONTEXT[MAIL_CONTEXT_KEYS.salesPhone],
      PUBLIC_URL: CDK_CONTEXT[MAIL_CONTEXT_KEYS.publicUrl],
      FINANCE_ADDRESS: CDK_CONTEXT[MAIL_CONTEXT_KEYS.financeAddress],
    });
    expect(environmentOf(template, mailerId)).not.toHaveProperty('OUTBOX_QUEUE_URL');
  });

  it("has an SES identity for the support address's domain, with Easy DKIM", () => {
    const domain = String(CDK_CONTEXT[MAIL_CONTEXT_KEYS.supportAddress]).split('@')[1];
    template.resourceCountIs('AWS::SES::EmailIdentity', 1);
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: domain,
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
    });
  });

  it('has an alarm on its errors', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: mailerId } }],
    });
  });
});
