import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  GLOBAL_SECONDARY_INDEXES,
  TABLE_KEYS,
  TTL_ATTRIBUTE,
} from '../../functions/adapters/table-design';
import { serviceDeskTemplate } from './synth';
import { resourcesOfType } from './template-model';

describe('the table (stateful)', () => {
  let template: Template;
  beforeAll(() => {
    template = serviceDeskTemplate();
  });

  it('is the one table, keyed as table-design.ts says', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
    });
  });

  it('has every global secondary index of table-design.ts, projecting all attributes', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: GLOBAL_SECONDARY_INDEXES.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    });
  });

  it('is on-demand, point-in-time recoverable, encrypted, with TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, KMSMasterKeyId: Match.absent() },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it('survives the stack: deletion protection, retained on delete and on replacement', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('keeps its logical id, since a new one would make CloudFormation replace the table', () => {
    expect(Object.keys(resourcesOfType(template, 'AWS::DynamoDB::Table'))).toEqual([
      'DataTableFDBAD0F2',
    ]);
  });
});

describe('indexes added over several deploys', () => {
  it('leaves out the indexes named in servicedesk:deferIndexes, and refuses unknown ones', async () => {
    const { App, Stack } = await import('aws-cdk-lib');
    const { TicketTable } = await import('../../lib/ticket-table');
    const stack = new Stack(new App(), 'Deferred');
    const table = new TicketTable(stack, 'Table', { deferredIndexes: ['received'] });
    expect(table.indexNames).not.toContain('received');
    expect(table.indexNames).toContain('slaDue');
    const { Template } = await import('aws-cdk-lib/assertions');
    const indexes = Template.fromStack(stack).findResources('AWS::DynamoDB::Table');
    const names = Object.values(indexes).flatMap((t) =>
      (
        t as { Properties: { GlobalSecondaryIndexes: { IndexName: string }[] } }
      ).Properties.GlobalSecondaryIndexes.map((i) => i.IndexName),
    );
    expect(names).toEqual(
      GLOBAL_SECONDARY_INDEXES.map((i) => i.indexName).filter((n) => n !== 'received'),
    );
    expect(
      () => new TicketTable(new Stack(new App(), 'Bad'), 'Table', { deferredIndexes: ['nope'] }),
    ).toThrow(/No index nope/);
  });
});
