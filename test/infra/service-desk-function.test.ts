import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { GLOBAL_SECONDARY_INDEXES } from '../../functions/adapters/table-design';
import { functionEntry } from '../../lib/function-entry';
import { OutboxQueue } from '../../lib/outbox-queue';
import {
  BUCKET_ACTIONS,
  SECRET_ACTIONS,
  ServiceDeskFunction,
  TABLE_ACTIONS,
} from '../../lib/service-desk-function';
import { TicketTable } from '../../lib/ticket-table';
import { testApp } from './synth';
import { statementsOfFunction, type Statement } from './template-model';

function setUp() {
  const stack = new Stack(testApp(), 'FunctionTest');
  const table = new TicketTable(stack, 'Table');
  return { stack, table };
}

const entry = functionEntry('http', 'health');

describe('ServiceDeskFunction', () => {
  it('keeps the caller environment and adds its defaults around it', () => {
    const { stack } = setUp();
    new ServiceDeskFunction(stack, 'Fn', {
      entry,
      environment: { GREETING: 'hello', NODE_OPTIONS: '--max-old-space-size=256' },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { GREETING: 'hello', NODE_OPTIONS: '--max-old-space-size=256' } },
    });
  });

  it('lets caller options win over its defaults', () => {
    const { stack } = setUp();
    new ServiceDeskFunction(stack, 'Fn', {
      entry,
      memorySize: 1024,
      architecture: lambda.Architecture.X86_64,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      Architectures: ['x86_64'],
      Runtime: 'nodejs22.x',
    });
  });

  it.each(['read', 'readwrite'] as const)(
    'bindTable(%s) grants exactly that access and sets TABLE_NAME, in one call',
    (access) => {
      const { stack, table } = setUp();
      const fn = new ServiceDeskFunction(stack, 'Fn', { entry, environment: { KEEP: 'me' } });
      fn.bindTable({ table, access });
      const template = Template.fromStack(stack);
      const tableRef = stack.resolve(table.tableName) as unknown;
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: { KEEP: 'me', TABLE_NAME: tableRef } },
      });
      const tableArn = stack.resolve(table.tableArn) as unknown;
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Action: [...TABLE_ACTIONS[access]].sort(),
              Resource: [
                tableArn,
                ...GLOBAL_SECONDARY_INDEXES.map(({ indexName }) => indexName)
                  .sort()
                  .map((indexName) => ({ 'Fn::Join': ['', [tableArn, `/index/${indexName}`]] })),
              ],
            },
          ]),
        },
      });
    },
  );

  it('binds one table only, and TABLE_NAME only through bindTable', () => {
    const { stack, table } = setUp();
    const fn = new ServiceDeskFunction(stack, 'Fn', { entry });
    fn.bindTable({ table, access: 'read' });
    expect(() => fn.bindTable({ table, access: 'readwrite' })).toThrow(/already bound/);

    const configured = new ServiceDeskFunction(stack, 'Configured', {
      entry,
      environment: { TABLE_NAME: 'elsewhere' },
    });
    expect(() => configured.bindTable({ table, access: 'read' })).toThrow(/set by bindTable/);
  });

  it('bindOutbox grants sqs:SendMessage on that queue only and sets OUTBOX_QUEUE_URL, in one call', () => {
    const { stack } = setUp();
    const outbox = new OutboxQueue(stack, 'Outbox');
    const fn = new ServiceDeskFunction(stack, 'Fn', { entry, environment: { KEEP: 'me' } });
    fn.bindOutbox(outbox.queue);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: { KEEP: 'me', OUTBOX_QUEUE_URL: stack.resolve(outbox.queue.queueUrl) },
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Resource: stack.resolve(outbox.queue.queueArn),
          },
        ]),
      },
    });
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).not.toMatch(/sqs:(ReceiveMessage|DeleteMessage|GetQueueAttributes|Purge)/);
    expect(policies).not.toContain('kms:');
  });

  it('bindOutbox also grants the KMS key of a queue that has one', () => {
    const { stack } = setUp();
    const queue = new sqs.Queue(stack, 'KmsQueue', { encryption: sqs.QueueEncryption.KMS });
    const fn = new ServiceDeskFunction(stack, 'Fn', { entry });
    fn.bindOutbox(queue);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'] }),
        ]),
      },
    });
  });

  it('binds one outbox only, and OUTBOX_QUEUE_URL only through bindOutbox', () => {
    const { stack } = setUp();
    const outbox = new OutboxQueue(stack, 'Outbox');
    const fn = new ServiceDeskFunction(stack, 'Fn', { entry });
    fn.bindOutbox(outbox.queue);
    expect(() => fn.bindOutbox(outbox.queue)).toThrow(/already bound/);

    const configured = new ServiceDeskFunction(stack, 'Configured', {
      entry,
      environment: { OUTBOX_QUEUE_URL: 'elsewhere' },
    });
    expect(() => configured.bindOutbox(outbox.queue)).toThrow(/set by bindOutbox/);
  });

  it('consumeQueue adds an event source that reports partial batch failures', () => {
    const { stack } = setUp();
    const outbox = new OutboxQueue(stack, 'Outbox');
    const fn = new ServiceDeskFunction(stack, 'Fn', { entry });
    fn.consumeQueue({ queue: outbox.queue, visibilityTimeout: outbox.visibilityTimeout });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: stack.resolve(outbox.queue.queueArn),
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['sqs:ChangeMessageVisibility', 'sqs:ReceiveMessage']),
            Resource: stack.resolve(outbox.queue.queueArn),
          }),
        ]),
      },
    });
    expect(() =>
      fn.consumeQueue({ queue: outbox.queue, visibilityTimeout: outbox.visibilityTimeout }),
    ).toThrow(/consumes one/);
  });

  it("consumeQueue refuses a visibility timeout under 6 × the function's timeout + window", () => {
    const { stack } = setUp();
    const outbox = new OutboxQueue(stack, 'Outbox', { visibilityTimeout: Duration.seconds(60) });
    const fn = new ServiceDeskFunction(stack, 'Fn', { entry, timeout: Duration.seconds(10) });
    expect(() =>
      fn.consumeQueue({
        queue: outbox.queue,
        visibilityTimeout: outbox.visibilityTimeout,
        maxBatchingWindow: Duration.seconds(1),
      }),
    ).toThrow(/at least 6 × the function's timeout \+ the batching window \(61 s\)/);
  });
  it('bindBucket grants exactly the actions per key pattern and sets the variable, in one call', () => {
    const { stack } = setUp();
    const bucket = new s3.Bucket(stack, 'Bucket');
    const fn = new ServiceDeskFunction(stack, 'Fn', { entry, environment: { KEEP: 'me' } });
    fn.bindBucket({
      bucket,
      variable: 'SOME_BUCKET',
      read: ['in/*'],
      write: ['out/*', 'spare/*'],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { KEEP: 'me', SOME_BUCKET: stack.resolve(bucket.bucketName) } },
    });
    const bucketArn = stack.resolve(bucket.bucketArn) as unknown;
    const objects = (pattern: string) => ({ 'Fn::Join': ['', [bucketArn, `/${pattern}`]] });
    const s3Statements = statementsOfFunction(template, functionId(stack, fn)).filter((s) =>
      [s.Action].flat().some((action) => action.startsWith('s3:')),
    );
    expect(s3Statements).toEqual([
      { Effect: 'Allow', Action: BUCKET_ACTIONS.read[0], Resource: objects('in/*') },
      {
        Effect: 'Allow',
        Action: [...BUCKET_ACTIONS.write].sort(),
        Resource: [objects('out/*'), objects('spare/*')],
      },
    ]);
  });

  it('bindBucket acknowledges the object wildcards it grants, naming each prefix', () => {
    const { stack } = setUp();
    const bucket = new s3.Bucket(stack, 'Bucket');
    const fn = new ServiceDeskFunction(stack, 'Fn', { entry });
    fn.bindBucket({ bucket, variable: 'SOME_BUCKET', read: ['in/*'], write: ['in/*', 'out/*'] });
    const bucketId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    const acknowledged = (fn.role?.node.metadata ?? [])
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    const ids = acknowledged.map(([id]) => id.replace(/^annotation::/i, ''));
    expect(ids).toEqual(
      expect.arrayContaining([
        `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/in/*]`,
        `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/out/*]`,
      ]),
    );
    const reason = acknowledged.find(([id]) => id.endsWith('/in/*]'))?.[1];
    expect(reason).toMatch(/may read and write the objects matching "in\/\*"/);
  });

  it('bindBucket also grants the KMS key of a bucket that has one', () => {
    const { stack } = setUp();
    const bucket = new s3.Bucket(stack, 'Bucket', {
      encryptionKey: new kms.Key(stack, 'Key'),
      encryption: s3.BucketEncryption.KMS,
    });
    const fn = new ServiceDeskFunction(stack, 'Fn', { entry });
    fn.bindBucket({ bucket, variable: 'SOME_BUCKET', write: ['out/*'] });
    const kmsActions = statementsOfFunction(Template.fromStack(stack), functionId(stack, fn))
      .flatMap((s) => [s.Action].flat())
      .filter((action) => action.startsWith('kms:'));
    expect(kmsActions.sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
  });

  it('bindBucket binds a variable once, only through bindBucket, and needs some access', () => {
    const { stack } = setUp();
    const bucket = new s3.Bucket(stack, 'Bucket');
    const fn = new ServiceDeskFunction(stack, 'Fn', { entry });
    fn.bindBucket({ bucket, variable: 'SOME_BUCKET', read: ['in/*'] });
    expect(() => fn.bindBucket({ bucket, variable: 'SOME_BUCKET', read: ['x/*'] })).toThrow(
      /already bound/,
    );
    expect(() => fn.bindBucket({ bucket, variable: 'OTHER_BUCKET' })).toThrow(/needs key patterns/);
    const configured = new ServiceDeskFunction(stack, 'Configured', {
      entry,
      environment: { SOME_BUCKET: 'elsewhere' },
    });
    expect(() => configured.bindBucket({ bucket, variable: 'SOME_BUCKET', read: ['x/*'] })).toThrow(
      /set by bindBucket/,
    );
  });

  it('bindSecret grants GetSecretValue on that secret and passes its ARN, never its value', () => {
    const { stack } = setUp();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    const fn = new ServiceDeskFunction(stack, 'Fn', { entry });
    fn.bindSecret({ secret, variable: 'SHARED_SECRET' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { SHARED_SECRET_ARN: stack.resolve(secret.secretArn) } },
    });
    const secretStatements: Statement[] = statementsOfFunction(
      template,
      functionId(stack, fn),
    ).filter((s) => [s.Action].flat().some((action) => action.startsWith('secretsmanager:')));
    expect(secretStatements).toEqual([
      { Effect: 'Allow', Action: SECRET_ACTIONS[0], Resource: stack.resolve(secret.secretArn) },
    ]);
    expect(() => fn.bindSecret({ secret, variable: 'SHARED_SECRET' })).toThrow(/already bound/);
    const configured = new ServiceDeskFunction(stack, 'Configured', {
      entry,
      environment: { SHARED_SECRET: 'plain text' },
    });
    expect(() => configured.bindSecret({ secret, variable: 'SHARED_SECRET' })).toThrow(
      /passes its ARN/,
    );
  });
});

function functionId(stack: Stack, fn: ServiceDeskFunction): string {
  return stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
}
