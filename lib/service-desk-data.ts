import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { DeadLetteredQueue } from './dead-lettered-queue';
import type { EmailIdentityMode } from './mail-settings';
import { OutboxQueue } from './outbox-queue';
import { AccessLogBucket, PrivateBucket } from './private-bucket';
import { TicketTable } from './ticket-table';
import { EXPORT_PREFIXES, MAIL_PREFIXES } from '../functions/domain/bucket-keys';

// The bucket prefixes live beside the code that writes the keys (one plain-data module).
export { EXPORT_PREFIXES, MAIL_PREFIXES };

/** How long objects live in the buckets, per prefix; why, at each. */
export const RETENTION = {
  /**
   * Raw received mail. The intake turns it into a ticket within seconds; the raw copy is
   * kept a quarter for re-running the intake after a fix and for questions about what a
   * customer really sent.
   */
  incomingMail: Duration.days(90),
  /** Mail no sender could be read from: a month to look at it after the alarm. */
  quarantinedMail: Duration.days(30),
  /**
   * Attachments belong to tickets, which are kept (retained table): no expiry, but rarely
   * read once the ticket is done, so infrequent-access storage after 90 days.
   */
  attachmentsInfrequentAccess: Duration.days(90),
  /** An export fetched by a 15-minute link: a week covers retries and questions. */
  requestedExports: Duration.days(7),
  /**
   * Monthly exports are accounting records: German law (§ 147 AO, § 257 HGB) keeps them
   * ten years from the end of the calendar year, so up to eleven years from the month.
   */
  monthlyExports: Duration.days(11 * 366),
  /** Monthly exports are read in the month they are made, then rarely. */
  monthlyExportsInfrequentAccess: Duration.days(30),
  /**
   * An overwritten or deleted object of the mail and export buckets (versioning): a month to
   * notice a mistake and restore the version before.
   */
  oldVersions: Duration.days(30),
} as const;

/** Options for {@link ServiceDeskData}. */
export interface ServiceDeskDataProps {
  /** The domain of the support address, which mail is sent from. */
  readonly mailDomain: string;
  /**
   * Whether the stack creates the domain's SES identity or refers to one already verified
   * in the account and region.
   * @default 'create'
   */
  readonly emailIdentity?: EmailIdentityMode;
}

/**
 * The stateful part of the service desk: what holds records and must survive any deploy
 * of the code. Construct ids here fix the resources' logical ids; renaming one replaces
 * the resource, so they stay as they are.
 */
export class ServiceDeskData extends Construct {
  /** Tickets, customers, contracts, lookups and counters (single-table design). */
  readonly table: TicketTable;
  /** Mail events waiting for the mailer, and the dead-letter queue of those that failed. */
  readonly outbox: OutboxQueue;
  /**
   * The SES identity of the mail domain. A created one carries DKIM keys whose DNS records
   * have been published, so it stays here, apart from the code.
   */
  readonly emailIdentity: ses.IEmailIdentity;
  /** Server access logs of the buckets and CloudFront's access logs. */
  readonly accessLogs: AccessLogBucket;
  /** Received mail, attachments and quarantine ({@link MAIL_PREFIXES}). */
  readonly mailBucket: PrivateBucket;
  /** Billing exports ({@link EXPORT_PREFIXES}). */
  readonly exportBucket: PrivateBucket;
  /** Notifications of received mail waiting for the intake, and their dead-letter queue. */
  readonly intake: DeadLetteredQueue;
  /**
   * The secret the hotline's phone system signs voicemail reports with. Generated; the phone
   * system is configured with its value, so it stays here, apart from the code.
   */
  readonly voicemailSecret: secretsmanager.Secret;
  /**
   * The secret customers' access tokens are derived with (HMAC of ticket number and nonce):
   * the functions that make tickets and the mailer derive the same token, so no token is
   * kept in idempotency records or queued events (SPEC §14). Generated, never leaves AWS.
   */
  readonly accessTokenSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: ServiceDeskDataProps) {
    super(scope, id);
    // `-c servicedesk:deferIndexes=received`: leave an index for the next deploy (one new
    // index per CloudFormation update; docs/data-model.md, "Adding an index").
    const deferred: unknown = this.node.tryGetContext('servicedesk:deferIndexes');
    this.table = new TicketTable(this, 'Table', {
      deferredIndexes:
        typeof deferred === 'string'
          ? deferred
              .split(',')
              .map((name) => name.trim())
              .filter(Boolean)
          : [],
    });
    this.outbox = new OutboxQueue(this, 'Outbox');
    this.emailIdentity =
      (props.emailIdentity ?? 'create') === 'create'
        ? new ses.EmailIdentity(this, 'MailIdentity', {
            identity: ses.Identity.domain(props.mailDomain),
            dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
          })
        : ses.EmailIdentity.fromEmailIdentityName(this, 'MailIdentity', props.mailDomain);

    this.accessLogs = new AccessLogBucket(this, 'AccessLogBucket');
    this.mailBucket = new PrivateBucket(this, 'MailBucket', {
      serverAccessLogs: { bucket: this.accessLogs, prefix: 's3/mail/' },
      keepOldVersions: RETENTION.oldVersions,
      lifecycleRules: [
        {
          id: 'ExpireIncomingMail',
          prefix: MAIL_PREFIXES.incoming,
          expiration: RETENTION.incomingMail,
        },
        {
          id: 'ExpireQuarantinedMail',
          prefix: MAIL_PREFIXES.quarantine,
          expiration: RETENTION.quarantinedMail,
        },
        {
          id: 'KeepAttachments',
          prefix: MAIL_PREFIXES.attachments,
          transitions: [
            {
              storageClass: s3.StorageClass.INFREQUENT_ACCESS,
              transitionAfter: RETENTION.attachmentsInfrequentAccess,
            },
          ],
        },
      ],
    });
    this.exportBucket = new PrivateBucket(this, 'ExportBucket', {
      serverAccessLogs: { bucket: this.accessLogs, prefix: 's3/exports/' },
      // Object Lock (governance) for monthly/ was considered: docs/security.md, "Buckets".
      keepOldVersions: RETENTION.oldVersions,
      lifecycleRules: [
        {
          id: 'ExpireRequestedExports',
          prefix: EXPORT_PREFIXES.requests,
          expiration: RETENTION.requestedExports,
        },
        {
          id: 'KeepMonthlyExports',
          prefix: EXPORT_PREFIXES.monthly,
          transitions: [
            {
              storageClass: s3.StorageClass.INFREQUENT_ACCESS,
              transitionAfter: RETENTION.monthlyExportsInfrequentAccess,
            },
          ],
          expiration: RETENTION.monthlyExports,
        },
      ],
      // The finance page fetches a large export from its presigned link (a 303 from the
      // API). The link itself is the credential, and the page sends no cookies, so any
      // origin may read what the link names; the bucket's origin is not known here, since
      // the site's distribution depends on the API, which depends on this bucket.
      cors: [{ allowedMethods: [s3.HttpMethods.GET], allowedOrigins: ['*'], maxAge: 3600 }],
    });

    this.intake = new DeadLetteredQueue(this, 'Intake', {
      // The intake runs up to 60 s a batch: 6 × 60 s + the 5 s batching window, and more.
      visibilityTimeout: Duration.minutes(7),
      alarmDescriptions: {
        deadLetter:
          'A received mail could not be taken in on any retry and waits in the intake ' +
          'dead-letter queue (the raw mail is in the mail bucket under incoming/): read the ' +
          "intake's log, fix the cause, then redrive the messages to the intake queue",
        messageAge: (age) =>
          `Received mail has waited over ${age} for the intake: the intake function is not ` +
          'consuming it (disabled, throttled or failing)',
      },
    });

    this.voicemailSecret = new secretsmanager.Secret(this, 'VoicemailSecret', {
      description: 'Shared secret the phone system signs POST /intake/voicemail with (HMAC-SHA256)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.voicemailSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        "The voicemail secret is shared with the hotline's phone system, which has no API " +
        'for Secrets Manager to set a new value in; rotating it is a coordinated manual step ' +
        '(README, "Deploying to AWS"), so automatic rotation would only break the hook.',
    });

    this.accessTokenSecret = new secretsmanager.Secret(this, 'AccessTokenSecret', {
      description:
        "Key customers' ticket access tokens are derived with (HMAC-SHA256 of ticket and nonce)",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessTokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Tickets keep the hash of their token, so tokens customers hold stay valid across a ' +
        'new value; but acknowledgements queued and submissions retried under a new value ' +
        'would carry tokens that open nothing. It is replaced by hand at a quiet moment ' +
        '(README, "Deploying to AWS") rather than by a rotation schedule.',
    });
  }
}
