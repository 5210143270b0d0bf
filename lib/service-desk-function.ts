import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Route } from '../functions/http/routes';
import { DEPS_LOCK_FILE, PROJECT_ROOT } from './function-entry';
import type { IIndexedTable } from './ticket-table';

/** Access a function needs to the table: a route's `table` other than `'none'`. */
export type TableAccess = Exclude<Route['table'], 'none'>;

/**
 * DynamoDB actions per access level. No `Scan`: the single-table design reads by key and
 * by index. Transactions need no actions of their own, only those of their parts.
 */
export const TABLE_ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  read: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
  ],
  readwrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
};

/** The environment variable the handlers read the table's name from. */
export const TABLE_NAME_VARIABLE = 'TABLE_NAME';

/** Options for {@link ServiceDeskFunction.bindTable}. */
export interface BindTableOptions {
  /** The table the function reads or writes. */
  readonly table: IIndexedTable;
  /** `read` (get, query) or `readwrite` (also put, update, delete). */
  readonly access: TableAccess;
}

/** The environment variable the handlers read the outbox queue's URL from. */
export const OUTBOX_QUEUE_URL_VARIABLE = 'OUTBOX_QUEUE_URL';

/**
 * SQS actions of a function that puts mail events on the outbox: sending, nothing else
 * (no receive, no purge, not even GetQueueAttributes).
 */
export const OUTBOX_ACTIONS: readonly string[] = ['sqs:SendMessage'];

/** Options for {@link ServiceDeskFunction.consumeQueue}. */
export interface ConsumeQueueOptions {
  /** The queue whose messages the function handles (through `queueHandler`). */
  readonly queue: sqs.IQueue;
  /**
   * The queue's visibility timeout: it must be at least six times the function's timeout
   * plus the batching window, or messages still being handled would be handed out again.
   */
  readonly visibilityTimeout: Duration;
  /**
   * Messages per invocation.
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * How long Lambda gathers messages before it invokes with a batch smaller than `batchSize`.
   * @default Duration.seconds(5)
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * The most invocations at a time this queue drives (2 to 1000).
   * @default no limit but the function's
   */
  readonly maxConcurrency?: number;
}

/** Options for {@link ServiceDeskFunction}; every `NodejsFunction` option is accepted. */
export interface ServiceDeskFunctionProps extends nodejs.NodejsFunctionProps {
  /** The TypeScript module exporting `handler`, e.g. from `functionEntry()`. */
  readonly entry: string;
  /**
   * How long the function's own log group keeps logs. Ignored when `logGroup` is given.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logGroupRetention?: logs.RetentionDays;
  /**
   * Whether to create an alarm on the function's `Errors` metric (at least one error in
   * five minutes). Handled errors (4xx problems) are not Lambda errors; crashes and
   * timeouts are.
   * @default true
   */
  readonly errorsAlarm?: boolean;
}

/**
 * Bundling defaults: minified ESM for Node.js 22, source maps without sources. The AWS SDK
 * is bundled (`externalModules: []`) rather than taken from the runtime, so the cloud runs
 * the very SDK version that package-lock.json pins and the local tests use; esbuild keeps
 * only the two DynamoDB clients, tree-shaken.
 */
export const DEFAULT_BUNDLING: nodejs.BundlingOptions = {
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  format: nodejs.OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  // Some CommonJS dependencies call require(); ESM bundles have none unless we make one.
  banner:
    "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);",
  externalModules: [],
};

/**
 * A Lambda function of the service desk with the house defaults set once: Node.js 22 on
 * arm64, bundled by the local esbuild (no Docker), active tracing, its own log group and a
 * role allowed to write only there, and an alarm on errors. Caller options win over the
 * defaults; the caller's `environment` is kept as given.
 */
export class ServiceDeskFunction extends nodejs.NodejsFunction {
  /** The alarm on the function's errors, unless `errorsAlarm` was false. */
  readonly errorsAlarm?: cloudwatch.Alarm;
  private readonly callerEnvironment: Readonly<Record<string, string>>;
  private boundTable?: IIndexedTable;
  private boundOutbox?: sqs.IQueue;
  private consumedQueue?: sqs.IQueue;

  constructor(scope: Construct, id: string, props: ServiceDeskFunctionProps) {
    // `this` does not exist before super(), so the log group and role are siblings.
    const ownLogGroup = props.logGroup
      ? undefined
      : new logs.LogGroup(scope, `${id}LogGroup`, {
          retention: props.logGroupRetention ?? logs.RetentionDays.ONE_MONTH,
        });
    const role =
      props.role ??
      new iam.Role(scope, `${id}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Execution role of ${id}; log and table permissions are added per grant`,
      });
    const runtime = props.runtime ?? lambda.Runtime.NODEJS_22_X;
    super(scope, id, {
      ...props,
      runtime,
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: props.tracing ?? lambda.Tracing.ACTIVE,
      projectRoot: props.projectRoot ?? PROJECT_ROOT,
      depsLockFilePath: props.depsLockFilePath ?? DEPS_LOCK_FILE,
      bundling: { ...DEFAULT_BUNDLING, ...props.bundling },
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      logGroup: props.logGroup ?? ownLogGroup,
      role,
    });
    this.callerEnvironment = props.environment ?? {};
    ownLogGroup?.grantWrite(this);

    if (!props.role) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only the X-Ray statement of active tracing uses Resource *: xray:PutTraceSegments and ' +
          'xray:PutTelemetryRecords support no resource-level permissions. Log and table grants ' +
          'name their ARNs (an infra test checks that no other action gets Resource *).',
      });
    }
    if (runtime === lambda.Runtime.NODEJS_22_X) {
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          'Node.js 22 is a supported LTS runtime (Lambda deprecation 2027) and the code is built ' +
          'and tested for it (esbuild target node22); moving to a newer runtime is a deliberate ' +
          'change of ServiceDeskFunction, not a side effect of upgrading aws-cdk-lib.',
      });
    }

    if (props.errorsAlarm ?? true) {
      this.errorsAlarm = this.metricErrors({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.SUM,
      }).createAlarm(this, 'ErrorsAlarm', {
        alarmDescription: `${this.node.path} failed (crash or timeout) at least once in 5 minutes`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
  }

  /**
   * Grants exactly `access` to the table and its indexes and sets `TABLE_NAME`, in one
   * call, so permission and configuration cannot drift apart. A function binds one table.
   */
  bindTable({ table, access }: BindTableOptions): void {
    if (this.boundTable) {
      throw new Error(`${this.node.path} is already bound to a table; a function binds one.`);
    }
    if (TABLE_NAME_VARIABLE in this.callerEnvironment) {
      throw new Error(
        `${this.node.path}: ${TABLE_NAME_VARIABLE} is set by bindTable(), not by environment.`,
      );
    }
    iam.Grant.addToPrincipal({
      grantee: this,
      actions: [...TABLE_ACTIONS[access]],
      resourceArns: [
        table.tableArn,
        ...table.indexNames.map((indexName) => `${table.tableArn}/index/${indexName}`),
      ],
    });
    this.addEnvironment(TABLE_NAME_VARIABLE, table.tableName);
    this.boundTable = table;
  }

  /**
   * Lets the function put messages on the outbox (`sqs:SendMessage` on that queue, and the
   * queue's KMS key if it has one) and sets `OUTBOX_QUEUE_URL`, in one call. A function
   * binds one outbox.
   */
  bindOutbox(queue: sqs.IQueue): void {
    if (this.boundOutbox) {
      throw new Error(`${this.node.path} is already bound to an outbox; a function binds one.`);
    }
    if (OUTBOX_QUEUE_URL_VARIABLE in this.callerEnvironment) {
      throw new Error(
        `${this.node.path}: ${OUTBOX_QUEUE_URL_VARIABLE} is set by bindOutbox(), not by environment.`,
      );
    }
    iam.Grant.addToPrincipal({
      grantee: this,
      actions: [...OUTBOX_ACTIONS],
      resourceArns: [queue.queueArn],
    });
    queue.encryptionMasterKey?.grant(this, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.addEnvironment(OUTBOX_QUEUE_URL_VARIABLE, queue.queueUrl);
    this.boundOutbox = queue;
  }

  /**
   * Makes the function the consumer of `queue`: an SQS event source that reports partial
   * batch failures (every consumer is a `queueHandler`, which returns `batchItemFailures`).
   * The event source grants receive, delete and `sqs:ChangeMessageVisibility` (which also
   * authorizes ChangeMessageVisibilityBatch, the handler's backoff) on that queue only. A
   * function consumes one queue.
   */
  consumeQueue(options: ConsumeQueueOptions): eventSources.SqsEventSource {
    if (this.consumedQueue) {
      throw new Error(`${this.node.path} already consumes a queue; a function consumes one.`);
    }
    const maxBatchingWindow = options.maxBatchingWindow ?? Duration.seconds(5);
    const timeout = this.timeout ?? Duration.seconds(3);
    const needed = timeout.toSeconds() * 6 + maxBatchingWindow.toSeconds();
    if (options.visibilityTimeout.toSeconds() < needed) {
      throw new Error(
        `${this.node.path}: the queue's visibility timeout (${options.visibilityTimeout.toSeconds()} s) ` +
          `must be at least 6 × the function's timeout + the batching window (${needed} s).`,
      );
    }
    const source = new eventSources.SqsEventSource(options.queue, {
      batchSize: options.batchSize ?? 10,
      maxBatchingWindow,
      reportBatchItemFailures: true,
      ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
    });
    this.addEventSource(source);
    this.consumedQueue = options.queue;
    return source;
  }
}
