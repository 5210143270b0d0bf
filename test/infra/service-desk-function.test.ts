import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { functionEntry } from '../../lib/function-entry';
import { OutboxQueue } from '../../lib/outbox-queue';
import { ServiceDeskFunction, TABLE_ACTIONS } from '../../lib/service-desk-function';
import { TicketTable } from '../../lib/ticket-table';
import { testApp } from './synth';

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
                { 'Fn::Join': ['', [tableArn, '/index/customerQueue']] },
                { 'Fn::Join': ['', [tableArn, '/index/queue']] },
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
});
