import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ScheduledJobs } from './scheduled-jobs';
import { ServiceDeskApi } from './service-desk-api';
import { ServiceDeskData } from './service-desk-data';
import { StaffUserPool } from './staff-user-pool';

/**
 * The service desk in one stack: the stateful data (retained), staff sign-in, the HTTP API
 * and the scheduled jobs. Environment-agnostic: no account or region in the code.
 */
export class ServiceDeskStack extends Stack {
  readonly data: ServiceDeskData;
  readonly staff: StaffUserPool;
  readonly api: ServiceDeskApi;
  readonly jobs: ScheduledJobs;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.data = new ServiceDeskData(this, 'Data');
    this.staff = new StaffUserPool(this, 'Staff');
    this.api = new ServiceDeskApi(this, 'Api', { table: this.data.table, staff: this.staff });
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
  }
}
