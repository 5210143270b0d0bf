import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sesActions from 'aws-cdk-lib/aws-ses-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { DeadLetteredQueue } from './dead-lettered-queue';
import { functionEntry } from './function-entry';
import { MAIL_PREFIXES } from './service-desk-data';
import { serviceTopic } from './service-topic';
import {
  MAIL_BUCKET_VARIABLE,
  ServiceDeskFunction,
  type BucketAccess,
} from './service-desk-function';
import type { IIndexedTable } from './ticket-table';

/**
 * What the intake may do in the mail bucket: read the raw mail SES stored (also as the
 * source of the quarantine copy), write attachments under their ticket and the quarantine
 * copy. It cannot write where SES writes, nor read what it wrote.
 */
export const INTAKE_BUCKET_ACCESS: BucketAccess = {
  read: [`${MAIL_PREFIXES.incoming}*`],
  write: [`${MAIL_PREFIXES.attachments}*`, `${MAIL_PREFIXES.quarantine}*`],
};

/** The SES action that makes a receipt rule set the active one: no resource-level permission. */
export const ACTIVATE_RULE_SET_ACTIONS: readonly string[] = ['ses:SetActiveReceiptRuleSet'];

/** Options for {@link MailIntake}. */
export interface MailIntakeProps {
  /** Mail to this address becomes tickets and replies. */
  readonly recipient: string;
  /**
   * `create`: a receipt rule set of the stack's own, made the active one; else the name of
   * an existing, active rule set the intake's rule is added to.
   * @default 'create'
   */
  readonly receiptRuleSet?: string;
  /** Where SES stores received mail (`incoming/`) and the intake puts attachments. */
  readonly mailBucket: s3.IBucket;
  /** The queue SNS delivers SES's notifications to, and the intake consumes. */
  readonly queue: DeadLetteredQueue;
  /** The table the intake writes tickets and messages to. */
  readonly table: IIndexedTable;
  /** The outbox the acknowledgements of new tickets go to. */
  readonly outbox: sqs.IQueue;
}

/**
 * Mail in (SPEC §5): an SES receipt rule for the support address, with spam and virus
 * scanning, stores each received mail in the mail bucket under `incoming/` and publishes
 * SES's notification, verdicts included, to an SNS topic; the topic delivers it (as an SNS
 * envelope, no raw delivery) to the intake queue, which the intake function consumes five
 * at a time, reporting partial batch failures.
 *
 * SNS rather than S3 event notifications: the S3 action's own notification carries SES's
 * spam and virus verdicts and the SES message id, which an S3 event (bucket and key only)
 * does not; the intake needs the verdicts before it reads the mail.
 *
 * The topic is encrypted with a key of its own, since SES cannot use the AWS-managed SNS
 * key; the key lets SES (of this account) encrypt, nothing else.
 */
export class MailIntake extends Construct {
  readonly topic: sns.Topic;
  readonly ruleSet: ses.IReceiptRuleSet;
  readonly rule: ses.ReceiptRule;
  readonly function: ServiceDeskFunction;

  constructor(scope: Construct, id: string, props: MailIntakeProps) {
    super(scope, id);
    const { topic, publishPolicy: topicPolicy } = serviceTopic(this, {
      service: 'ses',
      displayName: 'Received mail for the service desk',
      keyDescription: 'Encrypts the notifications of received mail (SES → SNS → intake queue)',
      keySid: 'SesPublishesToTheEncryptedTopic',
      publishSid: 'SesPublishesReceivedMail',
    });
    this.topic = topic;
    // The intake parses the SNS envelope ({Type, Message}), so no raw message delivery. What
    // SNS cannot deliver to the queue (its policy, a deleted queue) goes to the intake's
    // dead-letter queue, alarmed on like the mail the intake failed on; redriven to the intake
    // queue, it is the same envelope.
    const subscription = this.topic.addSubscription(
      new subscriptions.SqsSubscription(props.queue.queue, {
        rawMessageDelivery: false,
        deadLetterQueue: props.queue.deadLetterQueue,
      }),
    );

    const create = (props.receiptRuleSet ?? 'create') === 'create';
    this.ruleSet = create
      ? new ses.ReceiptRuleSet(this, 'RuleSet')
      : ses.ReceiptRuleSet.fromReceiptRuleSetName(this, 'RuleSet', props.receiptRuleSet ?? '');
    this.rule = new ses.ReceiptRule(this, 'Rule', {
      ruleSet: this.ruleSet,
      recipients: [props.recipient],
      scanEnabled: true,
      // Customers' mail servers without STARTTLS are still customers.
      tlsPolicy: ses.TlsPolicy.OPTIONAL,
      actions: [
        new sesActions.S3({
          bucket: props.mailBucket,
          objectKeyPrefix: MAIL_PREFIXES.incoming,
          topic: this.topic,
        }),
      ],
    });
    // SES checks at creation that it may publish; the first mail must find the queue.
    if (topicPolicy.policyDependable) this.rule.node.addDependency(topicPolicy.policyDependable);
    this.rule.node.addDependency(subscription);
    if (create) this.activate(this.ruleSet);

    this.function = new ServiceDeskFunction(this, 'Function', {
      entry: functionEntry('jobs', 'intake'),
      description: 'Takes in received mail: a new ticket, or a reply to the ticket it answers',
      // A mail of up to 40 MB is read whole, parsed and its attachments stored.
      timeout: Duration.seconds(60),
      memorySize: 1024,
    });
    this.function.bindTable({ table: props.table, access: 'readwrite' });
    this.function.bindOutbox(props.outbox);
    this.function.bindBucket({
      bucket: props.mailBucket,
      variable: MAIL_BUCKET_VARIABLE,
      ...INTAKE_BUCKET_ACCESS,
    });
    this.function.consumeQueue({
      queue: props.queue.queue,
      visibilityTimeout: props.queue.visibilityTimeout,
      batchSize: 5,
      maxBatchingWindow: Duration.seconds(5),
      // A flood of mail waits in the queue instead of taking the account's concurrency.
      maxConcurrency: 5,
    });
  }

  /**
   * Makes the rule set the account's active one (CloudFormation cannot), and inactive again
   * before it is deleted (an active set cannot be deleted). SES has one active set per
   * account and region: this replaces any other, which is why an existing active set is
   * named in `receiptRuleSet` instead.
   */
  private activate(ruleSet: ses.IReceiptRuleSet): void {
    const role = new iam.Role(this, 'ActivateRuleSetRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Execution role of the function that makes the receipt rule set active',
    });
    const logGroup = new logs.LogGroup(this, 'ActivateRuleSetLogGroup', {
      retention: logs.RetentionDays.ONE_MONTH,
    });
    logGroup.grantWrite(role);
    const activate: cr.AwsSdkCall = {
      service: 'SES',
      action: 'setActiveReceiptRuleSet',
      parameters: { RuleSetName: ruleSet.receiptRuleSetName },
      physicalResourceId: cr.PhysicalResourceId.of(`active-${ruleSet.receiptRuleSetName}`),
    };
    const activation = new cr.AwsCustomResource(this, 'ActivateRuleSet', {
      resourceType: 'Custom::ActiveReceiptRuleSet',
      onCreate: activate,
      onUpdate: activate,
      // No name: no set is active, so the stack's own can be deleted.
      onDelete: { service: 'SES', action: 'setActiveReceiptRuleSet', parameters: {} },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: [...ACTIVATE_RULE_SET_ACTIONS], resources: ['*'] }),
      ]),
      installLatestAwsSdk: false,
      role,
      logGroup,
    });
    activation.node.addDependency(this.rule);
    Validations.of(activation).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ses:SetActiveReceiptRuleSet supports no resource-level permissions (the service ' +
        'authorization reference lists no resource type for it); it is the only action.',
    });
  }
}
