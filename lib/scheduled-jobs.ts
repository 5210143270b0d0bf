import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type { CronOptions } from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { functionEntry, pascalCase } from './function-entry';
import { ServiceDeskFunction, type TableAccess } from './service-desk-function';
import type { IIndexedTable } from './ticket-table';

/** A job in `functions/jobs/` that runs on a calendar, in the service's time zone. */
export interface ScheduledJob {
  /** Module in `functions/jobs/` (without `.ts`) exporting `handler`. */
  readonly handler: string;
  /** When it runs, in {@link SERVICE_TIME_ZONE}. */
  readonly cron: CronOptions;
  readonly table: TableAccess;
  readonly description: string;
}

/** The service desk's calendar (contract days, billing months) runs on Berlin time (SPEC §4). */
export const SERVICE_TIME_ZONE = TimeZone.EUROPE_BERLIN;

/** The jobs the scheduler starts. */
export const SCHEDULED_JOBS: readonly ScheduledJob[] = [
  {
    handler: 'regroup-contracts',
    cron: { minute: '5', hour: '0' },
    table: 'readwrite',
    description: 'Daily 00:05 Berlin: move waiting tickets of contracts starting or ending today',
  },
];

/** Options for {@link ScheduledJobs}. */
export interface ScheduledJobsProps {
  /** The table the jobs read and write. */
  readonly table: IIndexedTable;
  /**
   * The jobs to run.
   * @default SCHEDULED_JOBS
   */
  readonly jobs?: readonly ScheduledJob[];
}

/** One function and one EventBridge Scheduler schedule per scheduled job. */
export class ScheduledJobs extends Construct {
  /** The function of each job, by handler module name. */
  readonly functions: ReadonlyMap<string, ServiceDeskFunction>;

  constructor(scope: Construct, id: string, props: ScheduledJobsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const functions = new Map<string, ServiceDeskFunction>();
    for (const job of props.jobs ?? SCHEDULED_JOBS) {
      const name = pascalCase(job.handler);
      const fn = new ServiceDeskFunction(this, `${name}Function`, {
        entry: functionEntry('jobs', job.handler),
        description: job.description,
        // A job works through whatever the day brings; API handlers get 10 s, a job more.
        timeout: Duration.minutes(5),
      });
      fn.bindTable({ table: props.table, access: job.table });
      // A role per job (instead of the stack-wide shared one) so that it may invoke this
      // function only, and so its acknowledgment below covers exactly that grant.
      const role = new iam.Role(this, `${name}ScheduleRole`, {
        description: `Lets EventBridge Scheduler invoke ${name}Function`,
        assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
          conditions: {
            StringEquals: {
              'aws:SourceAccount': stack.account,
              'aws:SourceArn': stack.formatArn({
                service: 'scheduler',
                resource: 'schedule-group',
                resourceName: 'default',
              }),
            },
          },
        }),
      });
      new scheduler.Schedule(this, `${name}Schedule`, {
        description: job.description,
        schedule: scheduler.ScheduleExpression.cron({ ...job.cron, timeZone: SERVICE_TIME_ZONE }),
        target: new targets.LambdaInvoke(fn, { retryAttempts: 2, role }),
      });
      const functionLogicalId = stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
        reason:
          `Function.grantInvoke adds "<function ARN>:*", the versions and aliases of ${name}Function ` +
          'itself, next to its ARN; the role can invoke no other function.',
      });
      functions.set(job.handler, fn);
    }
    this.functions = functions;
  }
}
