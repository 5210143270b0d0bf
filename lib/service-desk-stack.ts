import { CfnOutput, NestedStack, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AlarmNotifications } from './alarm-notifications';
import { ORIGIN_VERIFY_HEADER, OriginVerification, webAclArnOf } from './edge-protection';
import { MailIntake } from './mail-intake';
import {
  mailDomainOf,
  mailSettingsFromContext,
  validateMailSettings,
  type MailSettings,
} from './mail-settings';
import { MailFeedback, Mailer } from './mailer';
import { Observability } from './observability';
import { ScheduledJobs } from './scheduled-jobs';
import { ServiceDeskApi } from './service-desk-api';
import { ServiceDeskData } from './service-desk-data';
import { ServiceDeskSite } from './service-desk-site';
import { siteSettingsFromContext, validateSiteSettings, type SiteSettings } from './site-settings';
import { StaffUserPool } from './staff-user-pool';

/** The name the voicemail handler asks `secret()` for (`functions/http/take-voicemail.ts`). */
export const VOICEMAIL_SECRET_VARIABLE = 'VOICEMAIL_SECRET';

/** The name the functions ask `secret()` for the access-token secret by. */
export const ACCESS_TOKEN_SECRET_VARIABLE = 'ACCESS_TOKEN_SECRET';

/**
 * Route handlers that make tickets, and so derive their access tokens (each imports
 * `functions/shared/with-access-tokens.ts`; test/infra/bundles.test.ts holds the two lists
 * together).
 */
export const TICKET_MAKING_HANDLERS = [
  'submit-ticket',
  'take-voicemail',
  'portal-submit-ticket',
] as const;

/** Options for {@link ServiceDeskStack}. */
export interface ServiceDeskStackProps extends StackProps {
  /**
   * Support and finance addresses, sender name, sales phone, public URL, how to come by the
   * SES identity and the receipt rule set.
   * @default read from context by `mailSettingsFromContext` (cdk.json or `-c key=value`)
   */
  readonly mail?: MailSettings;
  /**
   * A certificate for the public URL's host and the staff sign-in domain prefix.
   * @default read from context by `siteSettingsFromContext`
   */
  readonly site?: SiteSettings;
}

/**
 * The service desk in one stack: the stateful data (retained table, queues, buckets, SES
 * identity, voicemail secret), staff sign-in, the HTTP API, the mailer, mail intake, the
 * scheduled jobs, and the web pages behind CloudFront with the API on the same origin.
 * Environment-agnostic: no account or region in the code.
 */
export class ServiceDeskStack extends Stack {
  readonly data: ServiceDeskData;
  readonly staff: StaffUserPool;
  readonly api: ServiceDeskApi;
  readonly mailer: Mailer;
  /** SES's bounce and complaint events: suppressed addresses, notes on their tickets. */
  readonly mailFeedback: MailFeedback;
  readonly intake: MailIntake;
  readonly jobs: ScheduledJobs;
  readonly site: ServiceDeskSite;
  readonly alarms: AlarmNotifications;
  readonly observability: Observability;
  /** The API answers only requests CloudFront forwarded (origin secret, regional web ACL). */
  readonly apiOrigin: OriginVerification;

  constructor(scope: Construct, id: string, props: ServiceDeskStackProps = {}) {
    super(scope, id, props);
    if (props.mail) validateMailSettings(props.mail);
    if (props.site) validateSiteSettings(props.site);
    const mail = props.mail ?? mailSettingsFromContext(this);
    const site = props.site ?? siteSettingsFromContext(this);
    this.data = new ServiceDeskData(this, 'Data', {
      mailDomain: mailDomainOf(mail.supportAddress),
      ...(mail.emailIdentity === undefined ? {} : { emailIdentity: mail.emailIdentity }),
    });
    this.staff = new StaffUserPool(this, 'Staff', {
      ...(site.authDomainPrefix === undefined ? {} : { domainPrefix: site.authDomainPrefix }),
    });
    this.api = new ServiceDeskApi(this, 'Api', {
      table: this.data.table,
      outbox: this.data.outbox.queue,
      staff: this.staff,
      exportBucket: this.data.exportBucket,
      mailBucket: this.data.mailBucket,
      routeSecrets: [
        {
          handler: 'take-voicemail',
          variable: VOICEMAIL_SECRET_VARIABLE,
          secret: this.data.voicemailSecret,
        },
        ...TICKET_MAKING_HANDLERS.map((handler) => ({
          handler,
          variable: ACCESS_TOKEN_SECRET_VARIABLE,
          secret: this.data.accessTokenSecret,
        })),
      ],
    });
    this.mailer = new Mailer(this, 'Mailer', {
      table: this.data.table,
      outbox: this.data.outbox,
      identity: this.data.emailIdentity,
      settings: mail,
      ...sesMaxSendRateOf(this),
    });
    this.mailFeedback = new MailFeedback(this, 'MailFeedback', {
      configurationSet: this.mailer.configurationSet,
      table: this.data.table,
    });
    this.intake = new MailIntake(this, 'MailIntake', {
      recipient: mail.supportAddress,
      ...(mail.receiptRuleSet === undefined ? {} : { receiptRuleSet: mail.receiptRuleSet }),
      mailBucket: this.data.mailBucket,
      queue: this.data.intake,
      table: this.data.table,
      outbox: this.data.outbox.queue,
    });
    // The mailer derives the token of each acknowledgement; the intake makes tickets.
    for (const fn of [this.mailer.function, this.intake.function]) {
      fn.bindSecret({
        secret: this.data.accessTokenSecret,
        variable: ACCESS_TOKEN_SECRET_VARIABLE,
      });
    }
    // The jobs live in a nested stack: with a function, role and alarm per route the stack
    // itself would pass CloudFormation's 500 resources per template.
    this.jobs = new ScheduledJobs(new NestedStack(this, 'JobsStack'), 'Jobs', {
      table: this.data.table,
      outbox: this.data.outbox.queue,
      exportBucket: this.data.exportBucket,
      mailBucket: this.data.mailBucket,
      settings: { 'apply-retention': retentionSettingsOf(this) },
    });
    this.apiOrigin = new OriginVerification(this, 'ApiOrigin', {
      stage: this.api.restApi.deploymentStage,
    });
    this.site = new ServiceDeskSite(this, 'Site', {
      apiOriginHeaders: { [ORIGIN_VERIFY_HEADER]: this.apiOrigin.headerValue() },
      webAclArn: webAclArnOf(this),
      api: this.api.restApi,
      staff: this.staff,
      accessLogs: this.data.accessLogs,
      exportBucket: this.data.exportBucket,
      publicUrl: mail.publicUrl,
      settings: site,
    });

    this.observability = new Observability(this, 'Observability', {
      api: this.api.restApi,
      table: this.data.table,
      outbox: this.data.outbox,
      intake: this.data.intake,
      mailFeedback: this.mailFeedback.queue,
    });
    this.alarms = new AlarmNotifications(this, 'Alarms');

    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'SNS topic of every alarm of the stack: subscribe to be told',
      value: this.alarms.topic.topicArn,
    });
    new CfnOutput(this, 'DashboardName', {
      description: 'The CloudWatch dashboard of the service desk (docs/operations.md)',
      value: this.observability.dashboard.dashboardName,
    });
    new CfnOutput(this, 'SiteUrl', {
      description: 'The pages and, on the same origin, the API (CloudFront)',
      value: this.site.url,
    });
    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the HTTP API (stage v1)',
      value: this.api.restApi.url,
    });
    new CfnOutput(this, 'UserPoolId', {
      description: 'Cognito user pool of the staff',
      value: this.staff.userPool.userPoolId,
    });
    new CfnOutput(this, 'UserPoolClientId', {
      description: 'App client of the staff pages',
      value: this.staff.client.userPoolClientId,
    });
    new CfnOutput(this, 'StaffSignInUrl', {
      description: 'The Cognito hosted UI the staff pages sign in with',
      value: this.staff.domain.baseUrl(),
    });
    new CfnOutput(this, 'TableName', {
      description: 'The DynamoDB table',
      value: this.data.table.tableName,
    });
    new CfnOutput(this, 'OutboxQueueUrl', {
      description: 'The outbox: mail events for the mailer',
      value: this.data.outbox.queue.queueUrl,
    });
    new CfnOutput(this, 'OutboxDeadLetterQueueUrl', {
      description: 'Mail events that failed every retry; redrive them to the outbox when fixed',
      value: this.data.outbox.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'IntakeDeadLetterQueueUrl', {
      description: 'Received mail the intake failed on; redrive to the intake queue when fixed',
      value: this.data.intake.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'MailBucketName', {
      description: 'Received mail (incoming/), attachments, quarantine/',
      value: this.data.mailBucket.bucketName,
    });
    new CfnOutput(this, 'ExportBucketName', {
      description: 'Billing exports: monthly/ for finance, requests/ for large downloads',
      value: this.data.exportBucket.bucketName,
    });
    new CfnOutput(this, 'ReceiptRuleSetName', {
      description: 'The SES receipt rule set the support address is received by',
      value: this.intake.ruleSet.receiptRuleSetName,
    });
    new CfnOutput(this, 'VoicemailSecretArn', {
      description: 'Shared secret of the phone system (read its value, configure the hotline)',
      value: this.data.voicemailSecret.secretArn,
    });
  }
}

/** The SES sending quota from the context (`servicedesk:sesMaxSendRate`), if given. */
function sesMaxSendRateOf(scope: Construct): { sesMaxSendRate?: number } {
  const value: unknown = scope.node.tryGetContext('servicedesk:sesMaxSendRate');
  if (value === undefined) return {};
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate <= 0) {
    throw new Error(`servicedesk:sesMaxSendRate must be a positive number, not ${String(value)}`);
  }
  return { sesMaxSendRate: rate };
}

/**
 * The retention job's settings from the context keys `servicedesk:retentionMonths` (closed
 * tickets are anonymised after it, default 24) and `servicedesk:billingYears`
 * (billing records lose the last person after it, default 10); unset keys keep the defaults.
 */
function retentionSettingsOf(scope: Construct): Record<string, string> {
  const settings: Record<string, string> = {};
  const months: unknown = scope.node.tryGetContext('servicedesk:retentionMonths');
  const years: unknown = scope.node.tryGetContext('servicedesk:billingYears');
  for (const [name, value] of [
    ['RETENTION_MONTHS', months],
    ['BILLING_RETENTION_YEARS', years],
  ] as const) {
    if (value === undefined) continue;
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1) {
      throw new Error(
        `${name} (context) must be a whole number of at least 1, not ${String(value)}`,
      );
    }
    settings[name] = String(number);
  }
  return settings;
}
