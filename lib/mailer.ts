import { Duration } from 'aws-cdk-lib';
import type * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { functionEntry } from './function-entry';
import { mailEnvironment, type MailSettings } from './mail-settings';
import type { OutboxQueue } from './outbox-queue';
import { ServiceDeskFunction } from './service-desk-function';
import type { IIndexedTable } from './ticket-table';

/**
 * What the mailer may do with the sending identity. It sends with SES v2 `SendEmail` and
 * raw MIME content; `ses:SendRawEmail` is the v1 API's (and SMTP's) action for a raw send,
 * granted as well so the raw path is authorized whichever action SES checks it by. Both
 * only on the identity.
 */
export const SES_SEND_ACTIONS: readonly string[] = ['ses:SendEmail', 'ses:SendRawEmail'];

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
  }
}
