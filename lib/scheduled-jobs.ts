import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type { CronOptions } from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { functionEntry, pascalCase } from './function-entry';
import { EXPORT_PREFIXES, MAIL_PREFIXES } from './service-desk-data';
import {
  EXPORT_BUCKET_VARIABLE,
  MAIL_BUCKET_VARIABLE,
  ServiceDeskFunction,
  type BucketAccess,
  type TableAccess,
} from './service-desk-function';
import type { IIndexedTable } from './ticket-table';

/** A job in `functions/jobs/` that runs on a calendar, in the service's time zone. */
export interface ScheduledJob {
  /** Module in `functions/jobs/` (without `.ts`) exporting `handler`. */
  readonly handler: string;
  /** When it runs, in {@link SERVICE_TIME_ZONE}. */
  readonly cron: CronOptions;
  readonly table: TableAccess;
  /**
   * Whether the job puts mail events on the outbox.
   * @default false
   */
  readonly outbox?: boolean;
  /**
   * What the job may read and write in the export bucket.
   * @default no access
   */
  readonly exportBucket?: BucketAccess;
  /**
   * What the job may read, write and delete in the mail bucket.
   * @default no access
   */
  readonly mailBucket?: BucketAccess;
  /**
   * How long a run may take.
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /**
   * Memory (and so CPU) of the job's function, in MB.
   * @default ServiceDeskFunction's 512
   */
  readonly memorySize?: number;
  readonly description: string;
}

/** The service desk's calendar (contract days, billing months) runs on Berlin time (SPEC §4). */
export const SERVICE_TIME_ZONE = TimeZone.EUROPE_BERLIN;

/** The jobs the scheduler starts. */
export const SCHEDULED_JOBS: readonly ScheduledJob[] = [
  {
    handler: 'sweep-acknowledgements',
    cron: { minute: '*' },
    table: 'readwrite',
    outbox: true,
    timeout: Duration.minutes(1),
    description:
      'Every minute: queue the acknowledgements of stored tickets whose mail never reached the outbox',
  },
  {
    handler: 'regroup-contracts',
    cron: { minute: '5', hour: '0' },
    table: 'readwrite',
    description: 'Daily 00:05 Berlin: move waiting tickets of contracts starting or ending today',
  },
  {
    handler: 'monthly-export',
    cron: { minute: '0', hour: '6', day: '1' },
    table: 'read',
    outbox: true,
    exportBucket: { write: [`${EXPORT_PREFIXES.monthly}*`] },
    // A month's export streams one paged Query into two files; 100,000 entries take a few
    // minutes, and more memory is more CPU for the CSV writer.
    timeout: Duration.minutes(15),
    memorySize: 1024,
    description:
      "Monthly, the 1st at 06:00 Berlin: the previous month's billing export to S3, finance mailed",
  },
  {
    handler: 'apply-retention',
    cron: { minute: '30', hour: '3' },
    table: 'readwrite',
    // Deletes the files and raw mails of the tickets it anonymises (SPEC §13).
    mailBucket: { delete: [`${MAIL_PREFIXES.attachments}*`, `${MAIL_PREFIXES.incoming}*`] },
    timeout: Duration.minutes(15),
    description:
      'Daily 03:30 Berlin: anonymise closed tickets after RETENTION_MONTHS, billing records after their legal period',
  },
  {
    handler: 'recount-queue',
    // Hourly: a counter left wrong by a function that died between a ticket's write and its
    // counter's ADD is corrected at the second run that finds it (docs/data-model.md). Each
    // run reads the whole queue index, so more often would cost more than drift does.
    cron: { minute: '17' },
    table: 'readwrite',
    timeout: Duration.minutes(5),
    description:
      "Hourly: compare the queue position's counters with the queue index and correct drift",
  },
  {
    handler: 'escalate-service-levels',
    // Every minute: a warning or breach is mailed at most a minute late. A run when nothing
    // is due is one Query on the sparse due index (docs/data-model.md).
    cron: { minute: '*' },
    table: 'readwrite',
    outbox: true,
    timeout: Duration.minutes(1),
    description: 'Every minute: SLA warnings (80 %) and breaches mailed to the team and assignee',
  },
  {
    handler: 'publish-queue-metrics',
    // Counts and oldest ticket per group from the queue index: a few small Queries.
    cron: { minute: '*' },
    table: 'read',
    timeout: Duration.minutes(1),
    description: 'Every minute: queue depth and oldest waiting ticket per group, as metrics',
  },
];

/** Options for {@link ScheduledJobs}. */
export interface ScheduledJobsProps {
  /** The table the jobs read and write. */
  readonly table: IIndexedTable;
  /** The outbox queue the jobs with `outbox` put mail events on. */
  readonly outbox: sqs.IQueue;
  /** The bucket the jobs with `exportBucket` access write billing exports to. */
  readonly exportBucket: s3.IBucket;
  /** The mail bucket, for the jobs with `mailBucket` access. */
  readonly mailBucket: s3.IBucket;
  /**
   * Settings of the jobs, as environment variables by job handler (e.g. the retention
   * job's `RETENTION_MONTHS`). @default none: each job's defaults
   */
  readonly settings?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * The jobs to run.
   * @default SCHEDULED_JOBS
   */
  readonly jobs?: readonly ScheduledJob[];
}

/**
 * Lambda's own retries of a failed run (it invokes a job asynchronously): a job that runs
 * every minute is not retried, its next run does the same work a minute later; a daily or
 * monthly job is retried twice.
 */
export function retriesOf(job: Pick<ScheduledJob, 'cron'>): number {
  return job.cron.minute === '*' ? 0 : 2;
}

/**
 * One function and one EventBridge Scheduler schedule per scheduled job, each function with
 * exactly the access its job declares. A run that failed on every retry, and a schedule that
 * could not invoke its function at all, leave a record in the failed-runs queue, which is
 * alarmed on: a monthly export that never ran is otherwise noticed by finance only.
 */
export class ScheduledJobs extends Construct {
  /** The function of each job, by handler module name. */
  readonly functions: ReadonlyMap<string, ServiceDeskFunction>;
  /** Runs that failed (Lambda's on-failure destination) or were never invoked (Scheduler). */
  readonly failedRuns: sqs.Queue;
  /** In alarm as soon as a failed run waits in {@link failedRuns}. */
  readonly failedRunsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ScheduledJobsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.failedRuns = new sqs.Queue(this, 'FailedRuns', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failedRuns).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the scheduled jobs (their on-failure ' +
        "destination and the schedules' dead-letter queue); cdk-nag recognizes only queues " +
        "named in another queue's redrive policy as such.",
    });
    this.failedRunsAlarm = this.failedRuns
      .metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      })
      .createAlarm(this, 'FailedRunsAlarm', {
        alarmDescription:
          'A scheduled job failed on every retry, or its schedule could not invoke it: the ' +
          "message in the jobs' failed-runs queue names the function and the error; fix the " +
          'cause, run the job again by hand, then delete the message',
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    const functions = new Map<string, ServiceDeskFunction>();
    for (const job of props.jobs ?? SCHEDULED_JOBS) {
      const name = pascalCase(job.handler);
      const fn = new ServiceDeskFunction(this, `${name}Function`, {
        entry: functionEntry('jobs', job.handler),
        description: job.description,
        // A job works through whatever the day brings; API handlers get 10 s, a job more.
        timeout: job.timeout ?? Duration.minutes(5),
        ...(job.memorySize === undefined ? {} : { memorySize: job.memorySize }),
        ...(props.settings?.[job.handler]
          ? { environment: { ...props.settings[job.handler] } }
          : {}),
        retryAttempts: retriesOf(job),
        maxEventAge: Duration.hours(1),
        onFailure: new destinations.SqsDestination(this.failedRuns),
      });
      fn.bindTable({ table: props.table, access: job.table });
      if (job.outbox) fn.bindOutbox(props.outbox);
      if (job.exportBucket) {
        fn.bindBucket({
          bucket: props.exportBucket,
          variable: EXPORT_BUCKET_VARIABLE,
          ...job.exportBucket,
        });
      }
      if (job.mailBucket) {
        fn.bindBucket({
          bucket: props.mailBucket,
          variable: MAIL_BUCKET_VARIABLE,
          ...job.mailBucket,
        });
      }
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
        target: new targets.LambdaInvoke(fn, {
          retryAttempts: 2,
          role,
          deadLetterQueue: this.failedRuns,
        }),
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
