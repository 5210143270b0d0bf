import { Duration, Names, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../functions/domain/metric-names';
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

/** The environment variable the handlers read the mail bucket's name from. */
export const MAIL_BUCKET_VARIABLE = 'MAIL_BUCKET';

/** The environment variable the handlers read the export bucket's name from. */
export const EXPORT_BUCKET_VARIABLE = 'EXPORT_BUCKET';

/** Options for {@link ServiceDeskFunction.bindTable}. */
export interface BindTableOptions {
  /** The table the function reads or writes. */
  readonly table: IIndexedTable;
  /** `read` (get, query) or `readwrite` (also put, update, delete). */
  readonly access: TableAccess;
  /**
   * With `readwrite`: the partition keys (`dynamodb:LeadingKeys` patterns, `TICKET#*`) the
   * function may put and update items under; it may then not delete or batch-write. Reads
   * stay on the whole table. @default writes anywhere
   */
  readonly writes?: readonly string[];
}

/** The writes a function limited to some partition keys may make (no deletes). */
export const SCOPED_WRITE_ACTIONS: readonly string[] = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];

/** The environment variable the handlers read the outbox queue's URL from. */
export const OUTBOX_QUEUE_URL_VARIABLE = 'OUTBOX_QUEUE_URL';

/**
 * SQS actions of a function that puts mail events on the outbox: sending, nothing else
 * (no receive, no purge, not even GetQueueAttributes).
 */
export const OUTBOX_ACTIONS: readonly string[] = ['sqs:SendMessage'];

/** What a function may do with the objects of a bucket, by key pattern (`incoming/*`). */
export interface BucketAccess {
  /**
   * Key patterns whose objects the function may read (`s3:GetObject`): to download them, to
   * copy them elsewhere (the copy's source), or to sign download links for them.
   * @default none
   */
  readonly read?: readonly string[];
  /**
   * Key patterns the function may write (`s3:PutObject`, which also authorizes the calls of a
   * multipart upload, and `s3:AbortMultipartUpload` to clean up a failed one).
   * @default none
   */
  readonly write?: readonly string[];
  /**
   * Key patterns whose objects the function may delete (`s3:DeleteObject`): only an erasure
   * and the retention job (SPEC §13), which delete a person's files and raw mails by key.
   * @default none
   */
  readonly delete?: readonly string[];
}

/**
 * S3 actions per kind of {@link BucketAccess}. No `s3:ListBucket` (the handlers know their
 * keys), `s3:DeleteObject` only where personal data must go before lifecycle rules expire
 * it, no tagging or ACL actions.
 */
export const BUCKET_ACTIONS: Readonly<Record<keyof BucketAccess, readonly string[]>> = {
  read: ['s3:GetObject'],
  write: ['s3:PutObject', 's3:AbortMultipartUpload'],
  delete: ['s3:DeleteObject'],
};

/** Options for {@link ServiceDeskFunction.bindBucket}. */
export interface BindBucketOptions extends BucketAccess {
  /** The bucket whose objects the function reads or writes. */
  readonly bucket: s3.IBucket;
  /** The environment variable the handler reads the bucket's name from, e.g. `MAIL_BUCKET`. */
  readonly variable: string;
}

/** Options for {@link ServiceDeskFunction.bindSecret}. */
export interface BindSecretOptions {
  /** The secret; its value is a plain string (`functions/shared/secrets.ts`). */
  readonly secret: secretsmanager.ISecret;
  /**
   * The name the handler asks `secret()` for, e.g. `VOICEMAIL_SECRET`; the function gets the
   * secret's ARN in `<variable>_ARN`, never the value itself.
   */
  readonly variable: string;
}

/** The one action a function needs to read a secret's value. */
export const SECRET_ACTIONS: readonly string[] = ['secretsmanager:GetSecretValue'];

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
 * the very SDK version that package-lock.json pins and the local tests use. esbuild bundles
 * every module the entry point imports, used or not: a handler holds another AWS client only
 * because it imports one of the `functions/shared/with-*.ts` modules (the outbox, the
 * buckets, the access-token secret, the SES sender), which test/infra/bundles.test.ts checks
 * against the route table's grants. `npm run bench` (BENCH_ONLY=cold) measures the sizes
 * and cold imports.
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
 * Powertools settings of every function (`functions/shared/log.ts`, `metrics.ts`,
 * `tracing.ts`): one service name and metric namespace, INFO logs with DEBUG for 1 % of
 * invocations, and traces without responses or error messages (they can hold a
 * customer's words). A function's own `environment` may override them.
 */
export const POWERTOOLS_ENVIRONMENT: Readonly<Record<string, string>> = {
  POWERTOOLS_SERVICE_NAME: METRICS_SERVICE,
  POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_LOGGER_SAMPLE_RATE: '0.01',
  POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
  POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
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
  /** Environment variables set by bindBucket() and bindSecret(), one binding each. */
  private readonly boundVariables = new Set<string>();

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
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        ...POWERTOOLS_ENVIRONMENT,
        ...props.environment,
      },
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
  bindTable({ table, access, writes }: BindTableOptions): void {
    if (this.boundTable) {
      throw new Error(`${this.node.path} is already bound to a table; a function binds one.`);
    }
    if (TABLE_NAME_VARIABLE in this.callerEnvironment) {
      throw new Error(
        `${this.node.path}: ${TABLE_NAME_VARIABLE} is set by bindTable(), not by environment.`,
      );
    }
    const everything = [
      table.tableArn,
      ...table.indexNames.map((indexName) => `${table.tableArn}/index/${indexName}`),
    ];
    if (writes && access === 'readwrite') {
      if (writes.length === 0) throw new Error(`${this.node.path}: writes names no keys.`);
      iam.Grant.addToPrincipal({
        grantee: this,
        actions: [...TABLE_ACTIONS.read],
        resourceArns: everything,
      });
      // Writes go to the table itself (never to an index), under the named keys only.
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [...SCOPED_WRITE_ACTIONS],
          resources: [table.tableArn],
          conditions: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...writes] },
          },
        }),
      );
    } else {
      iam.Grant.addToPrincipal({
        grantee: this,
        actions: [...TABLE_ACTIONS[access]],
        resourceArns: everything,
      });
    }
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
   * Grants exactly `read` and `write` on the objects under the given key patterns of
   * `bucket` (and its KMS key, if it has one) and sets `variable` to the bucket's name, in one
   * call. Object ARNs under a prefix end in `*`; cdk-nag's finding on each is acknowledged
   * here, naming the prefix, since the keys below it are made at run time.
   */
  bindBucket({
    bucket,
    variable,
    read = [],
    write = [],
    delete: remove = [],
  }: BindBucketOptions): void {
    this.claimVariable(variable, 'bindBucket');
    if (read.length === 0 && write.length === 0 && remove.length === 0) {
      throw new Error(`${this.node.path}: bindBucket() needs key patterns to read or write.`);
    }
    const patterns: Record<keyof BucketAccess, readonly string[]> = {
      read,
      write,
      delete: remove,
    };
    for (const access of ['read', 'write', 'delete'] as const) {
      if (patterns[access].length === 0) continue;
      iam.Grant.addToPrincipal({
        grantee: this,
        actions: [...BUCKET_ACTIONS[access]],
        resourceArns: patterns[access].map((pattern) => bucket.arnForObjects(pattern)),
      });
    }
    if (bucket.encryptionKey) {
      const keyActions = write.length ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'];
      bucket.encryptionKey.grant(this, ...keyActions);
    }
    this.acknowledgeObjectWildcards(bucket, patterns);
    this.addEnvironment(variable, bucket.bucketName);
  }

  /**
   * Lets the function read the secret's value (`secretsmanager:GetSecretValue` on that secret,
   * and its KMS key if it has its own) and sets `<variable>_ARN`, in one call.
   */
  bindSecret({ secret, variable }: BindSecretOptions): void {
    if (variable in this.callerEnvironment) {
      throw new Error(
        `${this.node.path}: ${variable} would put the secret's value in the function's ` +
          'configuration; bindSecret() passes its ARN.',
      );
    }
    this.claimVariable(`${variable}_ARN`, 'bindSecret');
    iam.Grant.addToPrincipal({
      grantee: this,
      actions: [...SECRET_ACTIONS],
      resourceArns: [secret.secretArn],
    });
    secret.encryptionKey?.grantDecrypt(this);
    this.addEnvironment(`${variable}_ARN`, secret.secretArn);
  }

  private claimVariable(variable: string, method: string): void {
    if (variable in this.callerEnvironment) {
      throw new Error(`${this.node.path}: ${variable} is set by ${method}(), not by environment.`);
    }
    if (this.boundVariables.has(variable)) {
      throw new Error(`${this.node.path}: ${variable} is already bound.`);
    }
    this.boundVariables.add(variable);
  }

  private acknowledgeObjectWildcards(
    bucket: s3.IBucket,
    patterns: Record<keyof BucketAccess, readonly string[]>,
  ): void {
    const cfnBucket = bucket.node.defaultChild;
    if (!this.role || !(cfnBucket instanceof s3.CfnBucket)) return;
    // A role in a nested stack (the scheduled jobs) gets the bucket's ARN as a parameter that
    // CDK names "reference-to-<unique id of the bucket>Arn" (aws-cdk-lib core/private/refs),
    // so the finding names that parameter, not the bucket's own attribute.
    const bucketArn =
      Stack.of(this.role) === Stack.of(cfnBucket)
        ? `<${Stack.of(cfnBucket).getLogicalId(cfnBucket)}.Arn>`
        : `<referenceto${Names.nodeUniqueId(cfnBucket.node)}Arn>`;
    for (const pattern of new Set([...patterns.read, ...patterns.write, ...patterns.delete])) {
      if (!pattern.includes('*')) continue;
      const verbs = [
        ...(patterns.read.includes(pattern) ? ['read'] : []),
        ...(patterns.write.includes(pattern) ? ['write'] : []),
      ].join(' and ');
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/${pattern}]`,
        reason:
          `${this.node.id} may ${verbs} the objects matching "${pattern}" in ` +
          `${bucket.node.path} only: their keys (per ticket, mail or export) are made at run ` +
          'time, so the grant names the prefix; other prefixes of the bucket stay out of reach.',
      });
    }
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
