import { describe, expect, it } from 'vitest';
import { DynamoCustomerRepository } from '../../functions/adapters/customer-repository';
import { createDocumentClient } from '../../functions/adapters/dynamodb';
import { DynamoPriceListStore } from '../../functions/adapters/price-list-store';
import { DEFAULT_PRICE_LIST } from '../../functions/domain/default-price-list';
import type { Customer } from '../../functions/domain/customer';
import { useStack } from './harness';

/**
 * Pricing work reads the price list and the customer "recently": two instances on one
 * table, where one sees the other's change only after RECENT_READ_MAX_AGE_MS (5 s), and its
 * own at once.
 */
describe('recent reads of the price list and customers in the DynamoDB stand-in', () => {
  const { api } = useStack();
  let now = Date.parse('2026-05-04T08:00:00.000Z');
  const clock = { now: () => new Date(now) };

  const client = () =>
    createDocumentClient({ endpoint: api.stack.dynamoDbEndpoint, region: 'eu-central-1' });

  it('sees another instance’s price list after at most 5 s, its own at once', async () => {
    const db = client();
    const here = new DynamoPriceListStore(db, api.stack.tableName, clock);
    const elsewhere = new DynamoPriceListStore(db, api.stack.tableName, clock);
    expect((await here.recent()).version).toBe(DEFAULT_PRICE_LIST.version);

    const raised = DEFAULT_PRICE_LIST.services.map((s) => ({
      ...s,
      unitPriceCents: s.unitPriceCents + 100,
    }));
    const v2 = { ...DEFAULT_PRICE_LIST, version: DEFAULT_PRICE_LIST.version + 1, services: raised };
    expect(await elsewhere.replace(v2, DEFAULT_PRICE_LIST.version)).toBe(true);
    expect((await elsewhere.recent()).version).toBe(v2.version);

    now += 4_999;
    expect((await here.recent()).version).toBe(DEFAULT_PRICE_LIST.version);
    // The strongly consistent read always has the change, and refreshes the recent one.
    expect((await here.current()).version).toBe(v2.version);
    expect((await here.recent()).version).toBe(v2.version);

    const v3 = { ...v2, version: v2.version + 1 };
    expect(await elsewhere.replace(v3, v2.version)).toBe(true);
    now += 5_000;
    expect((await here.recent()).version).toBe(v3.version);
    db.destroy();
  });

  it('sees another instance’s contract change after at most 5 s, its own at once', async () => {
    const db = client();
    const here = new DynamoCustomerRepository(db, api.stack.tableName, clock);
    const elsewhere = new DynamoCustomerRepository(db, api.stack.tableName, clock);
    const customer: Customer = {
      customerId: 'recent-gmbh',
      name: 'Recent GmbH',
      domains: ['recent.example'],
      contacts: [],
    };
    await here.save(customer);
    expect((await here.recent('recent-gmbh'))?.contract).toBeUndefined();

    const contract = {
      id: 'C-RECENT',
      validFrom: '2026-05-01',
      includedMinutesPerMonth: 600,
      coveredServiceCodes: ['REMOTE'],
    };
    await elsewhere.save({ ...customer, contract }, customer);
    now += 4_999;
    expect((await here.recent('recent-gmbh'))?.contract).toBeUndefined();
    now += 1;
    expect((await here.recent('recent-gmbh'))?.contract).toEqual(contract);

    // A change this instance makes is never hidden behind an older read.
    await here.save({ ...customer, name: 'Recent AG', contract }, { ...customer, contract });
    expect((await here.recent('recent-gmbh'))?.name).toBe('Recent AG');
    db.destroy();
  });
});
