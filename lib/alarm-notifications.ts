import { Aspects, Duration, type IAspect, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, type IConstruct } from 'constructs';

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
    const fromCloudWatchOfThisAccount = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: '*' }) },
    };
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the alarm notifications of the service desk',
      enableKeyRotation: true,
      // Notifications are gone from the topic once delivered; nothing stays encrypted.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchPublishesToTheEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: fromCloudWatchOfThisAccount,
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Service desk alarms',
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchPublishesAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromCloudWatchOfThisAccount,
      }),
    );
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
