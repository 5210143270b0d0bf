import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoPriceListStore } from '../../../functions/adapters/price-list-store';
import { DEFAULT_PRICE_LIST } from '../../../functions/domain/default-price-list';
import type { PriceList } from '../../../functions/domain/price-list';
import { FakeClock } from '../fakes';

/** One branch: a read that was overtaken by this instance's own change. */
describe('DynamoPriceListStore.recent', () => {
  it('keeps this instance’s change when an older read answers after it', async () => {
    const v5: PriceList = { ...DEFAULT_PRICE_LIST, version: 5 };
    const v6: PriceList = { ...DEFAULT_PRICE_LIST, version: 6 };
    let answerSlowRead: (value: unknown) => void = () => undefined;
    let gets = 0;
    // A stand-in client for this one interleaving: the first Get answers late, with v5.
    const db = {
      send: (command: { constructor: { name: string } }) => {
        if (command.constructor.name === 'GetCommand') {
          gets++;
          return gets === 1
            ? new Promise((resolve) => (answerSlowRead = resolve))
            : Promise.resolve({ Item: v6 });
        }
        return Promise.resolve({});
      },
    } as unknown as DynamoDBDocumentClient;
    const store = new DynamoPriceListStore(db, 'table', new FakeClock('2026-05-04T09:00:00Z'));

    const slow = store.recent();
    expect(await store.replace(v6, 5)).toBe(true);
    answerSlowRead({ Item: v5 });
    expect((await slow).version).toBe(5);

    expect((await store.recent()).version).toBe(6);
    expect(gets).toBe(1);
  });
});
