import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import {
  GLOBAL_SECONDARY_INDEXES,
  TABLE_KEYS,
  TTL_ATTRIBUTE,
} from '../functions/adapters/table-design';

/** A table that also names its global secondary indexes, so grants can list each index. */
export interface IIndexedTable extends dynamodb.ITable {
  /** Names of the table's global secondary indexes. */
  readonly indexNames: readonly string[];
}

/** Options for {@link TicketTable}. */
export interface TicketTableProps {
  /**
   * What happens to the table when it leaves the stack. Tickets, customers and contracts
   * are the service's records, so they outlive the stack by default.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Whether CloudFormation (or anyone) may delete the table.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Indexes of `table-design.ts` left out of this deployment. CloudFormation adds at most
   * one global secondary index per stack update, so an existing table that lacks several
   * gets them over several deploys (docs/data-model.md, "Adding an index"); a new table
   * takes them all at once.
   * @default none: every index
   */
  readonly deferredIndexes?: readonly string[];
}

/**
 * The single table of the service desk, built from `functions/adapters/table-design.ts`
 * (keys, indexes, TTL attribute), the same definition the local stack uses: on-demand,
 * point-in-time recovery, deletion protection, retained, encrypted with the AWS-managed key.
 */
export class TicketTable extends dynamodb.Table implements IIndexedTable {
  readonly indexNames: readonly string[];

  constructor(scope: Construct, id: string, props: TicketTableProps = {}) {
    super(scope, id, {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TTL_ATTRIBUTE,
    });
    const deferred = new Set(props.deferredIndexes ?? []);
    for (const name of deferred) {
      if (!GLOBAL_SECONDARY_INDEXES.some((index) => index.indexName === name)) {
        throw new Error(`No index ${name} to defer; the indexes are in table-design.ts.`);
      }
    }
    const indexes = GLOBAL_SECONDARY_INDEXES.filter((index) => !deferred.has(index.indexName));
    for (const index of indexes) {
      this.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    this.indexNames = indexes.map((index) => index.indexName);
  }
}
