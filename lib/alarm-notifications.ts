import { Aspects, type IAspect, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, type IConstruct } from 'constructs';
import { serviceTopic } from './service-topic';

/** Context key of an address that gets the alarms by mail (optional). */
export const ALARM_EMAIL_CONTEXT_KEY = 'servicedesk:alarmEmail';

export interface AlarmNotificationsProps {
  /**
   * An address subscribed to the alarms at deploy (it confirms by mail).
   * @default the context value `servicedesk:alarmEmail`, else nobody: subscribe to the topic
   */
  readonly email?: string;
}

/**
 * Where the stack's alarms go: one SNS topic that every CloudWatch alarm in the stack
 * notifies when it fires and when it recovers, so that no alarm, present or added later,
 * goes unheard. Operators subscribe to it (mail, chat, paging). The topic is encrypted with
 * a key of its own, because CloudWatch cannot publish to a topic under the AWS-managed SNS
 * key, and takes only TLS.
 */
export class AlarmNotifications extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmNotificationsProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    ({ topic: this.topic } = serviceTopic(this, {
      service: 'cloudwatch',
      displayName: 'Service desk alarms',
      keyDescription: 'Encrypts the alarm notifications of the service desk',
      keySid: 'CloudWatchPublishesToTheEncryptedTopic',
      publishSid: 'CloudWatchPublishesAlarms',
    }));
    const email = props.email ?? stack.node.tryGetContext(ALARM_EMAIL_CONTEXT_KEY);
    if (typeof email === 'string' && email.trim() !== '') {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email.trim()));
    }
    Aspects.of(stack).add(new NotifyOnAlarms(new actions.SnsAction(this.topic)));
  }
}

/** Adds the action to every alarm it visits, for ALARM and for OK. */
class NotifyOnAlarms implements IAspect {
  constructor(private readonly action: cloudwatch.IAlarmAction) {}

  visit(node: IConstruct): void {
    if (node instanceof cloudwatch.Alarm) {
      node.addAlarmAction(this.action);
      node.addOkAction(this.action);
    }
  }
}
