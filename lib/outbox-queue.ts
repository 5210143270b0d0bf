import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Options for {@link OutboxQueue}. */
export interface OutboxQueueProps {
  /**
   * How long a received message stays invisible to other consumers. Lambda wants at least
   * six times the consuming function's timeout plus its batching window;
   * `ServiceDeskFunction.consumeQueue()` checks that.
   * @default Duration.minutes(4)
   */
  readonly visibilityTimeout?: Duration;
  /**
   * Receives before a message moves to the dead-letter queue (the local stack uses the same,
   * `bin/local/sqs.ts`).
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How long the dead-letter queue keeps a message: time to notice the alarm, fix the cause
   * and redrive.
   * @default Duration.days(14), the most SQS allows
   */
  readonly deadLetterRetention?: Duration;
  /**
   * Age of the oldest waiting message that means the mailer is not keeping up (or not
   * running). Retries back off 10 s, 20 s, 40 s, 80 s, so a healthy queue stays far below.
   * @default Duration.minutes(15)
   */
  readonly maxMessageAge?: Duration;
}

/**
 * The outbox (SPEC §5): mail events on their way to the mailer, and a dead-letter queue for
 * the events that failed `maxReceiveCount` times, kept 14 days and alarmed on, so that no
 * mail is lost silently. Both queues are encrypted with SQS-managed keys and refuse requests
 * without TLS.
 *
 * SQS-managed SSE rather than a KMS key: the events hold ticket ids and, for the
 * acknowledgement, the ticket's access token, all of which IAM already fences (three
 * functions may send, only the mailer may receive). A customer managed key would add a key
 * policy and KMS grants to every sender and the event source, KMS calls on every batch, and
 * a monthly fee, without narrowing who can read a message. Switching to
 * `QueueEncryption.KMS` later is one property here: `bindOutbox()` and the event source
 * grant the key when there is one.
 */
export class OutboxQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /** The queue's visibility timeout, for consumers to check their timeout against. */
  readonly visibilityTimeout: Duration;
  readonly maxReceiveCount: number;
  /** In alarm as soon as one message waits in the dead-letter queue. */
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** In alarm when the oldest message on the outbox is older than `maxMessageAge`. */
  readonly messageAgeAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: OutboxQueueProps = {}) {
    super(scope, id);
    this.visibilityTimeout = props.visibilityTimeout ?? Duration.minutes(4);
    this.maxReceiveCount = props.maxReceiveCount ?? 5;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.deadLetterRetention ?? Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: this.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: this.maxReceiveCount },
    });

    this.deadLetterAlarm = this.deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      })
      .createAlarm(this, 'DeadLetterAlarm', {
        alarmDescription:
          'Outgoing mail failed on every retry and waits in the outbox dead-letter queue: ' +
          "read the mailer's log, fix the cause, then redrive the messages to the outbox",
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });

    const maxMessageAge = props.maxMessageAge ?? Duration.minutes(15);
    this.messageAgeAlarm = this.queue
      .metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      })
      .createAlarm(this, 'MessageAgeAlarm', {
        alarmDescription:
          `Outgoing mail has waited over ${maxMessageAge.toHumanString()} in the outbox: ` +
          'the mailer is not consuming it (disabled, throttled or failing)',
        threshold: maxMessageAge.toSeconds(),
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
  }
}
