import { createHash, randomBytes } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AddressConfirmations, Clock, VerifiedAddresses } from '../app/ports';
import { addressHash } from '../domain/privacy';
import { normalizeEmail } from '../domain/customer';
import type { VerificationMethod } from '../domain/ticket';
import { conditionalPut } from './conditional-put';
import { keys, TTL_ATTRIBUTE } from './table-design';

/** One item per proven address; the first proof is kept (a conditional put). */
export class DynamoVerifiedAddresses implements VerifiedAddresses {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(email: string): Promise<{ method: VerificationMethod; at: string } | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.verifiedAddress(normalizeEmail(email)),
        ConsistentRead: true,
      }),
    );
    return Item ? { method: Item.method as VerificationMethod, at: String(Item.at) } : undefined;
  }

  async record(email: string, method: VerificationMethod, at: string): Promise<void> {
    const address = normalizeEmail(email);
    await conditionalPut(this.db, {
      TableName: this.tableName,
      Item: {
        ...keys.verifiedAddress(address),
        entity: 'verified-address',
        email: address,
        method,
        at,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  }
}

/**
 * Confirm-link codes: 24 random bytes each, stored only as their SHA-256 under a key of
 * their own, deleted by DynamoDB's TTL after they expire (and refused from then on, as TTL
 * deletes late).
 */
export class DynamoAddressConfirmations implements AddressConfirmations {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async issue(ticketId: string, email: string, expiresAt: Date): Promise<string> {
    const code = randomBytes(24).toString('base64url');
    const written = await conditionalPut(this.db, {
      TableName: this.tableName,
      Item: {
        ...keys.addressConfirmation(hashOf(code)),
        entity: 'address-confirmation',
        ticketId,
        emailHash: addressHash(email),
        [TTL_ATTRIBUTE]: Math.floor(expiresAt.getTime() / 1000),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    // 192 random bits do not collide; if they ever did, no code is better than a shared one.
    if (!written) throw new Error('confirmation code collision');
    return code;
  }

  async find(code: string): Promise<{ ticketId: string; emailHash: string } | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.addressConfirmation(hashOf(code)),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    if (Number(Item[TTL_ATTRIBUTE]) * 1000 <= this.clock.now().getTime()) return undefined;
    // Codes issued before addresses were hashed carry the address itself.
    const emailHash =
      typeof Item.emailHash === 'string' ? Item.emailHash : addressHash(String(Item.email));
    return { ticketId: String(Item.ticketId), emailHash };
  }
}

function hashOf(code: string): string {
  return createHash('sha256').update(code).digest('base64url');
}
