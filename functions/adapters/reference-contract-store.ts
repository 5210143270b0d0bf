import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ReferenceContractStore } from '../app/ports';
import { DEFAULT_REFERENCE_CONTRACT, type ReferenceContract } from '../domain/sales';
import { keys } from './table-design';

/**
 * The reference contract of the upsell report: one item, replaced as a whole by an admin;
 * the shipped default while none is stored.
 */
export class DynamoReferenceContractStore implements ReferenceContractStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(): Promise<ReferenceContract> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.referenceContract(),
        ConsistentRead: true,
      }),
    );
    if (!Item) return DEFAULT_REFERENCE_CONTRACT;
    const { monthlyFeeCents, includedMinutesPerMonth, coveredServiceCodes, updatedAt } =
      Item as ReferenceContract;
    return {
      monthlyFeeCents,
      includedMinutesPerMonth,
      coveredServiceCodes,
      ...(updatedAt ? { updatedAt } : {}),
    };
  }

  async put(reference: ReferenceContract): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.referenceContract(), entity: 'reference-contract', ...reference },
      }),
    );
  }
}
