import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import type { PortalSignIns, PortalSessions, PortalSessionRecord } from '../app/portal-ports';
import type { Clock } from '../app/ports';
import { isConditionFailure } from './dynamodb';
import { keys, TTL_ATTRIBUTE } from './table-design';

/**
 * Portal sign-in codes and sessions, one item each, keyed by the SHA-256 of the secret: the
 * table never holds a code or token that could be used. `validUntil` decides (checked
 * against the clock on every use); DynamoDB's TTL only sweeps the expired items later.
 */
export class DynamoPortalStore implements PortalSignIns, PortalSessions {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async saveCode(codeHash: string, email: string, validUntil: Date): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.portalCode(codeHash),
          entity: 'portal-code',
          email,
          validUntil: validUntil.toISOString(),
          [TTL_ATTRIBUTE]: Math.ceil(validUntil.getTime() / 1000) + 3600,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async redeemCode(codeHash: string): Promise<string | undefined> {
    try {
      // Deleting with a condition is the single use: of two concurrent redemptions of the
      // same code exactly one gets the item back.
      const { Attributes } = await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.portalCode(codeHash),
          ConditionExpression: 'attribute_exists(pk) AND validUntil > :now',
          ExpressionAttributeValues: { ':now': this.clock.now().toISOString() },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return typeof Attributes?.email === 'string' ? Attributes.email : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async createSession(tokenHash: string, record: PortalSessionRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.portalSession(tokenHash),
          entity: 'portal-session',
          email: record.email,
          validUntil: record.expiresAt,
          [TTL_ATTRIBUTE]: Math.ceil(Date.parse(record.expiresAt) / 1000) + 3600,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async findSession(tokenHash: string): Promise<PortalSessionRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.portalSession(tokenHash),
        ConsistentRead: true,
      }),
    );
    if (typeof Item?.email !== 'string' || typeof Item.validUntil !== 'string') return undefined;
    if (Item.validUntil <= this.clock.now().toISOString()) return undefined;
    return { email: Item.email, expiresAt: Item.validUntil };
  }

  async endSession(tokenHash: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.portalSession(tokenHash) }),
    );
  }
}
