import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  mailDomainOf,
  mailSettingsFromContext,
  validateMailSettings,
  type MailSettings,
} from './mail-settings';
import { Mailer } from './mailer';
import { ScheduledJobs } from './scheduled-jobs';
import { ServiceDeskApi } from './service-desk-api';
import { ServiceDeskData } from './service-desk-data';
import { StaffUserPool } from './staff-user-pool';

/** Options for {@link ServiceDeskStack}. */
export interface ServiceDeskStackProps extends StackProps {
  /**
   * Support address, sender name, sales phone, public URL and how to come by the SES
   * identity.
   * @default read from context by `mailSettingsFromContext` (cdk.json or `-c key=value`)
   */
  readonly mail?: MailSettings;
}

/**
 * The service desk in one stack: the stateful data (retained table, outbox queues, SES
 * identity), staff sign-in, the HTTP API, the mailer and the scheduled jobs.
 * Environment-agnostic: no account or region in the code.
 */
export class ServiceDeskStack extends Stack {
  readonly data: ServiceDeskData;
  readonly staff: StaffUserPool;
  readonly api: ServiceDeskApi;
  readonly mailer: Mailer;
  readonly jobs: ScheduledJobs;

  constructor(scope: Construct, id: string, props: ServiceDeskStackProps = {}) {
    super(scope, id, props);
    if (props.mail) validateMailSettings(props.mail);
    const mail = props.mail ?? mailSettingsFromContext(this);
    this.data = new ServiceDeskData(this, 'Data', {
      mailDomain: mailDomainOf(mail.supportAddress),
      ...(mail.emailIdentity === undefined ? {} : { emailIdentity: mail.emailIdentity }),
    });
    this.staff = new StaffUserPool(this, 'Staff');
    this.api = new ServiceDeskApi(this, 'Api', {
      table: this.data.table,
      outbox: this.data.outbox.queue,
      staff: this.staff,
    });
    this.mailer = new Mailer(this, 'Mailer', {
      table: this.data.table,
      outbox: this.data.outbox,
      identity: this.data.emailIdentity,
      settings: mail,
    });
    this.jobs = new ScheduledJobs(this, 'Jobs', { table: this.data.table });

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
  }
}
