import type { Construct } from 'constructs';
import { DeadLetteredQueue, type DeadLetteredQueueOptions } from './dead-lettered-queue';

/** Options for {@link OutboxQueue}. */
export type OutboxQueueProps = DeadLetteredQueueOptions;

/**
 * The outbox (SPEC §5): mail events on their way to the mailer, and a dead-letter queue for
 * the events that failed `maxReceiveCount` times, kept 14 days and alarmed on, so that no
 * mail is lost silently. Both queues are encrypted with SQS-managed keys and refuse requests
 * without TLS.
 *
 * SQS-managed SSE rather than a KMS key: the events hold ticket ids and, for the
 * acknowledgement, the ticket's access token, all of which IAM already fences (only the
 * functions bound to the outbox may send, only the mailer may receive). A customer managed
 * key would add a key policy and KMS grants to every sender and the event source, KMS calls
 * on every batch, and a monthly fee, without narrowing who can read a message. Switching to
 * `QueueEncryption.KMS` later is one property in {@link DeadLetteredQueue}: `bindOutbox()`
 * and the event source grant the key when there is one.
 */
export class OutboxQueue extends DeadLetteredQueue {
  constructor(scope: Construct, id: string, props: OutboxQueueProps = {}) {
    super(scope, id, {
      ...props,
      alarmDescriptions: {
        deadLetter:
          'Outgoing mail failed on every retry and waits in the outbox dead-letter queue: ' +
          "read the mailer's log, fix the cause, then redrive the messages to the outbox",
        messageAge: (age) =>
          `Outgoing mail has waited over ${age} in the outbox: ` +
          'the mailer is not consuming it (disabled, throttled or failing)',
      },
    });
  }
}
