import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { DeadLetteredQueue } from './dead-lettered-queue';
import { functionEntry } from './function-entry';
import { mailEnvironment, type MailSettings } from './mail-settings';
import type { OutboxQueue } from './outbox-queue';
import { ServiceDeskFunction } from './service-desk-function';
import { serviceTopic } from './service-topic';
import type { IIndexedTable } from './ticket-table';

/**
 * What the mailer may do with the sending identity. It sends with SES v2 `SendEmail` and
 * raw MIME content; `ses:SendRawEmail` is the v1 API's (and SMTP's) action for a raw send,
 * granted as well so the raw path is authorized whichever action SES checks it by. Both
 * only on the identity.
 */
export const SES_SEND_ACTIONS: readonly string[] = ['ses:SendEmail', 'ses:SendRawEmail'];

/** The environment variable the mailer reads the SES configuration set's name from. */
export const CONFIGURATION_SET_VARIABLE = 'SES_CONFIGURATION_SET';

/**
 * SES pauses an account's sending above a 10 % bounce rate or 0.5 % complaint rate and
 * reviews it from 5 % and 0.1 %: the alarms fire at half those review marks, with time left.
 */
export const REPUTATION_ALARMS = {
  bounceRate: { metricName: 'Reputation.BounceRate', threshold: 0.025 },
  complaintRate: { metricName: 'Reputation.ComplaintRate', threshold: 0.0005 },
} as const;

/** Options for {@link Mailer}. */
export interface MailerProps {
  /** The table: tickets and messages to write about, the mail log, rate limits. */
  readonly table: IIndexedTable;
  /** The queue the mailer consumes. */
  readonly outbox: OutboxQueue;
  /** The SES identity of the support address's domain: the only identity it may send as. */
  readonly identity: ses.IEmailIdentity;
  /** From address, sender name, sales phone, public URL. */
  readonly settings: MailSettings;
  /**
   * The function's timeout; the outbox's visibility timeout must be 6 × this + 5 s or more.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Invocations at a time, and so the sending rate: each invocation sends its batch one
   * mail after another. A send that SES throttles is retried by the client with adaptive
   * backoff, then fails with the rest of its batch and comes back after the queue's backoff.
   * @default from `sesMaxSendRate` ({@link mailerConcurrencyFor})
   */
  readonly maxConcurrency?: number;
  /**
   * The account's SES sending quota, mails per second (`aws sesv2 get-account`:
   * `SendQuota.MaxSendRate`; context `servicedesk:sesMaxSendRate`).
   * @default 14, what SES grants a production account at first
   */
  readonly sesMaxSendRate?: number;
}

/**
 * Mails one mailer invocation sends a second: one after another, each about 200 ms. An
 * acknowledgement waits seven times: the delivery claim (with the ticket and thread read
 * beside it), three rate-limit counts (one conditional UpdateItem each), the confirm code,
 * SES's answer (~50–100 ms) and the sent record; DynamoDB answers in 5–10 ms. Faster
 * invocations would together exceed the quota: SES throttles, the client's adaptive retry
 * slows each invocation down, and what still fails comes back after the queue's backoff.
 */
export const MAILS_PER_SECOND_PER_INVOCATION = 5;

/**
 * Invocations at a time that use the SES quota without running into it: the quota over
 * what one invocation sends, at least 2 (the least Lambda allows), at most 1000. With the
 * batch size of 10 and a 5 s batching window an invocation holds at most 10 mails, so a
 * throttled invocation hands back at most 9 untried (partial batch failure).
 */
export function mailerConcurrencyFor(sesMaxSendRate: number): number {
  return Math.min(1000, Math.max(2, Math.floor(sesMaxSendRate / MAILS_PER_SECOND_PER_INVOCATION)));
}

/**
 * The mailer (`functions/jobs/mailer.ts`): consumes the outbox ten events at a time,
 * reports the ones that failed (partial batch failures) and sends each event's mail through
 * SES, as the support address, with permission for that domain identity only.
 */
export class Mailer extends Construct {
  readonly function: ServiceDeskFunction;
  /**
   * Every mail is sent with this configuration set: addresses that bounced hard or complained
   * are suppressed (SES sends them nothing more, acknowledgements included), bounces and
   * complaints are counted in CloudWatch, and the reputation metrics are published.
   */
  readonly configurationSet: ses.ConfigurationSet;
  /** In alarm when the account's bounce or complaint rate nears SES's review marks. */
  readonly reputationAlarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: MailerProps) {
    super(scope, id);
    this.function = new ServiceDeskFunction(this, 'Function', {
      entry: functionEntry('jobs', 'mailer'),
      description: 'Sends the mail of each outbox event with SES (acknowledgements, replies)',
      timeout: props.timeout ?? Duration.seconds(30),
      environment: mailEnvironment(props.settings),
    });
    this.function.bindTable({ table: props.table, access: 'readwrite' });
    this.function.consumeQueue({
      queue: props.outbox.queue,
      visibilityTimeout: props.outbox.visibilityTimeout,
      batchSize: 10,
      maxBatchingWindow: Duration.seconds(5),
      maxConcurrency: props.maxConcurrency ?? mailerConcurrencyFor(props.sesMaxSendRate ?? 14),
    });
    props.identity.grant(this.function, ...SES_SEND_ACTIONS);

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
      sendingEnabled: true,
    });
    this.configurationSet.addEventDestination('Feedback', {
      destination: ses.EventDestination.cloudWatchDimensions([
        { name: 'ticket', source: ses.CloudWatchDimensionSource.MESSAGE_TAG, defaultValue: 'none' },
      ]),
      events: [
        ses.EmailSendingEvent.BOUNCE,
        ses.EmailSendingEvent.COMPLAINT,
        ses.EmailSendingEvent.REJECT,
      ],
    });
    this.function.addEnvironment(
      CONFIGURATION_SET_VARIABLE,
      this.configurationSet.configurationSetName,
    );
    // Sending with a configuration set is authorized on the set as well as on the identity.
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [...SES_SEND_ACTIONS],
        resources: [
          Stack.of(this).formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: this.configurationSet.configurationSetName,
          }),
        ],
      }),
    );
    this.reputationAlarms = (
      Object.entries(REPUTATION_ALARMS) as [
        keyof typeof REPUTATION_ALARMS,
        (typeof REPUTATION_ALARMS)[keyof typeof REPUTATION_ALARMS],
      ][]
    ).map(([name, { metricName, threshold }]) =>
      new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName,
        period: Duration.hours(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }).createAlarm(this, name === 'bounceRate' ? 'BounceRateAlarm' : 'ComplaintRateAlarm', {
        alarmDescription:
          `The account's SES ${name === 'bounceRate' ? 'bounce' : 'complaint'} rate is over ` +
          `${threshold * 100} %: SES reviews the account at twice that and pauses sending ` +
          'above; see which tickets the bounces came from (SES metrics by the "ticket" tag) and ' +
          'correct or remove those addresses',
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}

/** Options for {@link MailFeedback}. */
export interface MailFeedbackProps {
  /** The configuration set every mail is sent with: its bounce and complaint events. */
  readonly configurationSet: ses.ConfigurationSet;
  /** Where suppressions and the notes on tickets are written. */
  readonly table: IIndexedTable;
}

/**
 * SES's feedback about the mail we sent (issue 16 §2): the configuration set publishes its
 * bounce and complaint events to an SNS topic (encrypted with a key of its own, which only
 * SES of this account may use), the topic delivers them to a queue with a dead-letter queue
 * (what SNS cannot deliver goes there too), and the feedback function
 * (`functions/jobs/mail-feedback.ts`) suppresses the addresses that bounced permanently or
 * complained and notes it on their tickets. A report the function fails on five times waits
 * in the dead-letter queue, alarmed on, for a redrive.
 */
export class MailFeedback extends Construct {
  readonly topic: sns.Topic;
  readonly queue: DeadLetteredQueue;
  readonly function: ServiceDeskFunction;

  constructor(scope: Construct, id: string, props: MailFeedbackProps) {
    super(scope, id);
    const { topic, publishPolicy } = serviceTopic(this, {
      service: 'ses',
      displayName: 'Bounces and complaints about the service desk mail',
      keyDescription: 'Encrypts SES bounce and complaint events (SES → SNS → feedback queue)',
      keySid: 'SesPublishesFeedbackToTheEncryptedTopic',
      publishSid: 'SesPublishesBouncesAndComplaints',
    });
    this.topic = topic;
    this.queue = new DeadLetteredQueue(this, 'Reports', {
      alarmDescriptions: {
        deadLetter:
          'A bounce or complaint report from SES failed every retry (or SNS could not deliver ' +
          'it) and waits in the feedback dead-letter queue: the address is not suppressed yet. ' +
          "Read the mail-feedback function's log, fix, redrive (docs/operations.md)",
        messageAge: (age) =>
          `SES's bounce and complaint reports have waited over ${age} for the feedback ` +
          'function: it is not consuming (see its errors alarm and event source mapping)',
      },
    });
    const subscription = topic.addSubscription(
      new subscriptions.SqsSubscription(this.queue.queue, {
        rawMessageDelivery: false,
        deadLetterQueue: this.queue.deadLetterQueue,
      }),
    );
    const destination = props.configurationSet.addEventDestination('Suppression', {
      destination: ses.EventDestination.snsTopic(topic),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
    // SES checks at creation that it may publish, and the first report must find the queue.
    if (publishPolicy.policyDependable)
      destination.node.addDependency(publishPolicy.policyDependable);
    destination.node.addDependency(subscription);

    this.function = new ServiceDeskFunction(this, 'Function', {
      entry: functionEntry('jobs', 'mail-feedback'),
      description:
        'Suppresses addresses SES reports as bounced or complaining, notes it on tickets',
      timeout: Duration.seconds(30),
    });
    this.function.bindTable({ table: props.table, access: 'readwrite' });
    this.function.consumeQueue({
      queue: this.queue.queue,
      visibilityTimeout: this.queue.visibilityTimeout,
      batchSize: 10,
      maxBatchingWindow: Duration.seconds(5),
      maxConcurrency: 2,
    });
  }
}
