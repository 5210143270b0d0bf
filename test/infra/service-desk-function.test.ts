import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { functionEntry } from '../../lib/function-entry';
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
});
