import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { serviceDeskTemplate } from './synth';
import {
  actionsOf,
  getAttTargets,
  onlyResource,
  refOf,
  resourcesOfType,
  statementsOfFunction,
} from './template-model';

/**
 * SES's bounce and complaint events (issue 16 §2): configuration set → SNS topic → SQS
 * queue with a dead-letter queue → the feedback function, each step alarmed on.
 */
describe('mail feedback (bounces and complaints)', () => {
  let template: Template;
  let topicId: string;
  let queueId: string;
  let deadLetterId: string;

  beforeAll(() => {
    template = serviceDeskTemplate();
    [topicId] = onlyResource(template, 'AWS::SNS::Topic', 'MailFeedbackTopic');
    [queueId] = onlyResource(template, 'AWS::SQS::Queue', 'MailFeedbackReportsQueue');
    [deadLetterId] = onlyResource(
      template,
      'AWS::SQS::Queue',
      'MailFeedbackReportsDeadLetterQueue',
    );
  });

  it("the mailer's configuration set publishes bounces and complaints to the feedback topic", () => {
    const destinations = Object.values(
      resourcesOfType(template, 'AWS::SES::ConfigurationSetEventDestination'),
    ).map((d) => d.Properties?.EventDestination as Record<string, unknown>);
    const toTopic = destinations.filter((d) => d.SnsDestination !== undefined);
    expect(toTopic).toHaveLength(1);
    expect(toTopic[0]).toMatchObject({ Enabled: true });
    expect([...(toTopic[0]?.MatchingEventTypes as string[])].sort()).toEqual([
      'bounce',
      'complaint',
    ]);
    expect(refOf((toTopic[0]?.SnsDestination as { TopicARN: unknown }).TopicARN)).toBe(topicId);
  });

  it('the topic is encrypted with a key of its own and open to SES of this account only', () => {
    const [, topic] = onlyResource(template, 'AWS::SNS::Topic', 'MailFeedbackTopic');
    expect(getAttTargets(topic.Properties?.KmsMasterKeyId)).toEqual([
      expect.stringMatching(/^MailFeedbackTopicKey/),
    ]);
    const [, policy] = onlyResource(template, 'AWS::SNS::TopicPolicy', 'MailFeedbackTopicPolicy');
    const statements = (
      policy.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] }
    ).Statement;
    const publish = statements.find((s) => s.Sid === 'SesPublishesBouncesAndComplaints');
    expect(publish).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'ses.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    // enforceSSL: a deny for requests without TLS.
    expect(statements.some((s) => s.Effect === 'Deny')).toBe(true);
  });

  it('the topic delivers to the feedback queue; what it cannot deliver goes to the dead-letter queue', () => {
    const subscriptions = Object.values(resourcesOfType(template, 'AWS::SNS::Subscription')).filter(
      (s) => refOf(s.Properties?.TopicArn) === topicId,
    );
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0]?.Properties).toMatchObject({ Protocol: 'sqs' });
    expect(getAttTargets(subscriptions[0]?.Properties?.Endpoint)).toEqual([queueId]);
    expect(getAttTargets(subscriptions[0]?.Properties?.RedrivePolicy)).toEqual([deadLetterId]);
    const [, queue] = onlyResource(template, 'AWS::SQS::Queue', 'MailFeedbackReportsQueue');
    expect(getAttTargets(queue.Properties?.RedrivePolicy)).toEqual([deadLetterId]);
    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
  });

  it('the feedback function consumes the queue with partial batch failures and may write the table, nothing else', () => {
    const [functionId, fn] = onlyResource(
      template,
      'AWS::Lambda::Function',
      'MailFeedbackFunction',
    );
    expect(String(fn.Properties?.Description)).toMatch(/bounced|complain/);
    const mappings = Object.values(
      resourcesOfType(template, 'AWS::Lambda::EventSourceMapping'),
    ).filter((m) => getAttTargets(m.Properties?.EventSourceArn).includes(queueId));
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FunctionName: { Ref: functionId },
    });
    const actions = statementsOfFunction(template, functionId).flatMap(actionsOf);
    expect(actions.some((a) => a.startsWith('dynamodb:PutItem'))).toBe(true);
    expect(actions.filter((a) => /^(ses|s3|secretsmanager):/.test(a))).toEqual([]);
  });

  it('alarms on a report waiting in the dead-letter queue and on reports left waiting', () => {
    const alarms = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm'));
    const onDeadLetters = alarms.filter(
      (a) =>
        a.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        getAttTargets(a.Properties?.Dimensions).includes(deadLetterId),
    );
    expect(onDeadLetters).toHaveLength(1);
    expect(onDeadLetters[0]?.Properties).toMatchObject({ Threshold: 0 });
    const onAge = alarms.filter(
      (a) =>
        a.Properties?.MetricName === 'ApproximateAgeOfOldestMessage' &&
        getAttTargets(a.Properties?.Dimensions).includes(queueId),
    );
    expect(onAge).toHaveLength(1);
  });
});
