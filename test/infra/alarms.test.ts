import { NestedStack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALARM_EMAIL_CONTEXT_KEY } from '../../lib/alarm-notifications';
import { serviceDesk, serviceDeskTemplate } from './synth';
import { onlyResource, refOf, resourcesOfType } from './template-model';

let template: Template;
let topicId: string;
beforeAll(() => {
  template = serviceDeskTemplate();
  [topicId] = onlyResource(template, 'AWS::SNS::Topic', 'AlarmsTopic');
});

describe('alarm notifications', () => {
  it('every alarm of the stack notifies the alarm topic when it fires and when it recovers', () => {
    const alarms = Object.entries(resourcesOfType(template, 'AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThanOrEqual(10);
    for (const [id, alarm] of alarms) {
      const alarmActions = (alarm.Properties?.AlarmActions ?? []) as unknown[];
      const okActions = (alarm.Properties?.OKActions ?? []) as unknown[];
      expect(alarmActions.map(refOf), id).toEqual([topicId]);
      expect(okActions.map(refOf), id).toEqual([topicId]);
    }
  });

  it('reaches the alarms in the nested stack of the jobs: each names the topic the parent passes in', () => {
    const { stack } = serviceDesk();
    const jobsStack = stack.jobs.node.scope as NestedStack;
    expect(NestedStack.isNestedStack(jobsStack)).toBe(true);
    const parent = Template.fromStack(stack);
    const [topic] = onlyResource(parent, 'AWS::SNS::Topic', 'AlarmsTopic');
    const [, stackResource] = onlyResource(parent, 'AWS::CloudFormation::Stack', 'JobsStack');
    const parameters = stackResource.Properties?.Parameters as Record<string, unknown>;
    const alarms = Object.entries(
      resourcesOfType(Template.fromStack(jobsStack), 'AWS::CloudWatch::Alarm'),
    );
    // A function-error alarm per job and the failed-runs queue's alarm.
    expect(alarms.length).toBeGreaterThanOrEqual(8);
    for (const [id, alarm] of alarms) {
      for (const actions of [alarm.Properties?.AlarmActions, alarm.Properties?.OKActions]) {
        const names = ((actions ?? []) as unknown[]).map(refOf);
        expect(names, id).toHaveLength(1);
        expect(refOf(parameters[names[0] ?? '']), id).toBe(topic);
      }
    }
  });

  it('is encrypted with a rotated key CloudWatch of this account may use, and takes only TLS', () => {
    const [keyId, key] = onlyResource(template, 'AWS::KMS::Key', 'AlarmsTopicKey');
    expect(key.Properties?.EnableKeyRotation).toBe(true);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: Match.objectLike({
              StringEquals: { 'aws:SourceAccount': Match.anyValue() },
            }),
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
          }),
        ]),
      },
    });
  });

  it('subscribes the address of servicedesk:alarmEmail, and nobody without it', () => {
    // The mail intake's queue and the mail feedback's queue only.
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    const withMail = Template.fromStack(
      serviceDesk({ context: { [ALARM_EMAIL_CONTEXT_KEY]: 'ops@example.com' } }).stack,
    );
    withMail.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: topicId },
    });
  });
});
