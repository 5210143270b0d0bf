import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_PRICE_LIST } from '../domain/default-price-list';
import type { PriceList } from '../domain/price-list';
import type { Clock, PriceListStore } from '../app/ports';
import { isConditionFailure } from './dynamodb';
import { RECENT_READ_MAX_AGE_MS, RecentReads, systemClock } from './recent-reads';
import { keys } from './table-design';

const CURRENT = 'current';

/**
 * The price list in force is one item, replaced conditionally on its version; each
 * version is also kept as its own item, so what was in force when stays on record.
 */
export class DynamoPriceListStore implements PriceListStore {
  private readonly read: RecentReads<PriceList>;
  /** The newest version this instance has seen: a read that was overtaken never wins. */
  private newest = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    clock: Clock = systemClock,
  ) {
    this.read = new RecentReads(clock, RECENT_READ_MAX_AGE_MS);
  }

  recent(): Promise<PriceList> {
    return this.read.get(CURRENT, () => this.current());
  }

  async current(): Promise<PriceList> {
    const list = await this.readCurrent();
    this.remember(list);
    return list;
  }

  private remember(list: PriceList): void {
    if (list.version < this.newest) return;
    this.newest = list.version;
    this.read.set(CURRENT, list);
  }

  private async readCurrent(): Promise<PriceList> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.currentPriceList(),
        ConsistentRead: true,
      }),
    );
    if (!Item) return DEFAULT_PRICE_LIST;
    const { version, currency, validFrom, services } = Item as PriceList;
    return { version, currency, ...(validFrom ? { validFrom } : {}), services };
  }

  async replace(next: PriceList, expectedVersion: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.currentPriceList(), entity: 'price-list', ...next },
          ConditionExpression:
            expectedVersion === DEFAULT_PRICE_LIST.version
              ? 'attribute_not_exists(pk)'
              : 'version = :expected',
          ...(expectedVersion === DEFAULT_PRICE_LIST.version
            ? {}
            : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return false;
      // The write may have landed all the same: read afresh next time.
      this.read.forget(CURRENT);
      throw error;
    }
    this.remember(next);
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.priceListVersion(next.version), entity: 'price-list-version', ...next },
      }),
    );
    return true;
  }
}
