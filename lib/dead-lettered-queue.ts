import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Options every {@link DeadLetteredQueue} takes. */
export interface DeadLetteredQueueOptions {
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
   * How long the queue keeps a message nobody took: long enough to outlast an outage of the
   * consumer (its age alarm fires after `maxMessageAge`), so that nothing expires unseen.
   * @default Duration.days(14), the most SQS allows (SQS's own default is 4 days)
   */
  readonly retention?: Duration;
  /**
   * How long the dead-letter queue keeps a message: time to notice the alarm, fix the cause
   * and redrive.
   * @default Duration.days(14), the most SQS allows
   */
  readonly deadLetterRetention?: Duration;
  /**
   * Age of the oldest waiting message that means the consumer is not keeping up (or not
   * running). Retries back off 10 s, 20 s, 40 s, 80 s, so a healthy queue stays far below.
   * @default Duration.minutes(15)
   */
  readonly maxMessageAge?: Duration;
}

/** Options for {@link DeadLetteredQueue}. */
export interface DeadLetteredQueueProps extends DeadLetteredQueueOptions {
  /** What the alarms say, so that whoever is paged knows what waits and what to do. */
  readonly alarmDescriptions: {
    /** The dead-letter queue holds a message. */
    readonly deadLetter: string;
    /** The oldest message is older than the given age (e.g. "15 minutes"). */
    readonly messageAge: (maxMessageAge: string) => string;
  };
}

/**
 * A work queue with its dead-letter queue: messages that failed `maxReceiveCount` times move
 * there, are kept 14 days and alarmed on, so that nothing is lost silently. Both queues are
 * encrypted with SQS-managed keys and refuse requests without TLS; a second alarm fires when
 * the oldest waiting message is older than `maxMessageAge` (the consumer is not consuming).
 */
export class DeadLetteredQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /** The queue's visibility timeout, for consumers to check their timeout against. */
  readonly visibilityTimeout: Duration;
  readonly maxReceiveCount: number;
  /** How long the queue keeps a message nobody took. */
  readonly retention: Duration;
  /** In alarm as soon as one message waits in the dead-letter queue. */
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** In alarm when the oldest message on the queue is older than `maxMessageAge`. */
  readonly messageAgeAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DeadLetteredQueueProps) {
    super(scope, id);
    this.visibilityTimeout = props.visibilityTimeout ?? Duration.minutes(4);
    this.maxReceiveCount = props.maxReceiveCount ?? 5;
    this.retention = props.retention ?? Duration.days(14);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.deadLetterRetention ?? Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: this.visibilityTimeout,
      retentionPeriod: this.retention,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: this.maxReceiveCount },
    });

    this.deadLetterAlarm = this.deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      })
      .createAlarm(this, 'DeadLetterAlarm', {
        alarmDescription: props.alarmDescriptions.deadLetter,
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
        alarmDescription: props.alarmDescriptions.messageAge(maxMessageAge.toHumanString()),
        threshold: maxMessageAge.toSeconds(),
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
  }
}
