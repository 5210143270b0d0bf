import { describe, expect, it } from 'vitest';
import { replacePriceList } from '../../../functions/app/manage-price-list';
import { DEFAULT_PRICE_LIST } from '../../../functions/domain/default-price-list';
import { ConflictError, ServiceDeskError } from '../../../functions/domain/errors';
import type { PriceList, ServiceCode } from '../../../functions/domain/price-list';
import { FakeClock } from '../fakes';
import { InMemoryPriceListStore } from './billing-fakes';

const services: ServiceCode[] = [
  { code: 'REMOTE', name: 'Fernwartung', unit: 'quarter_hour', unitPriceCents: 4200 },
  { code: 'TRAVEL', name: 'Anfahrt', unit: 'flat', unitPriceCents: 9900 },
];

function setup(initial: PriceList = DEFAULT_PRICE_LIST) {
  return {
    priceLists: new InMemoryPriceListStore(initial),
    clock: new FakeClock('2026-05-04T08:00:00.000Z'),
  };
}

async function rejection(promise: Promise<unknown>): Promise<ServiceDeskError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ServiceDeskError)) throw new Error(`expected a ServiceDeskError`);
  return error;
}

describe('replacePriceList', () => {
  it('stores the next version, in force from now', async () => {
    const deps = setup();

    const next = await replacePriceList(deps, services);

    expect(next).toEqual({
      version: 1,
      currency: 'EUR',
      validFrom: '2026-05-04T08:00:00.000Z',
      services,
    });
    expect(await deps.priceLists.current()).toEqual(next);
    expect(deps.priceLists.replaces).toEqual([{ version: 1, expectedVersion: 0, written: true }]);
  });

  it('counts versions up with every change', async () => {
    const deps = setup();
    await replacePriceList(deps, services, 0);
    deps.clock.advance(60_000);
    const second = await replacePriceList(deps, services.slice(0, 1), 1);
    deps.clock.advance(60_000);
    const third = await replacePriceList(deps, services);

    expect(second).toMatchObject({ version: 2, validFrom: '2026-05-04T08:01:00.000Z' });
    expect(third).toMatchObject({ version: 3, validFrom: '2026-05-04T08:02:00.000Z' });
    expect((await deps.priceLists.current()).version).toBe(3);
  });

  it('refuses a change based on an older version with a 409, changing nothing', async () => {
    const deps = setup({ ...DEFAULT_PRICE_LIST, version: 4 });

    const error = await rejection(replacePriceList(deps, services, 3));

    expect(error).toBeInstanceOf(ConflictError);
    expect(error.status).toBe(409);
    expect(error.message).toContain('version 4');
    expect(deps.priceLists.replaces).toEqual([]);
    expect((await deps.priceLists.current()).version).toBe(4);
  });

  it('refuses a change based on a version that does not exist yet', async () => {
    const deps = setup();
    const error = await rejection(replacePriceList(deps, services, 1));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.status).toBe(409);
  });

  it('refuses with a 409 when another admin stores a list at the same moment', async () => {
    const deps = setup();
    const theirs: PriceList = {
      ...DEFAULT_PRICE_LIST,
      version: 1,
      validFrom: '2026-05-04T07:59:59.000Z',
    };
    deps.priceLists.beforeReplace = () => {
      deps.priceLists.beforeReplace = undefined;
      deps.priceLists.force(theirs);
    };

    const error = await rejection(replacePriceList(deps, services, 0));

    expect(error).toBeInstanceOf(ConflictError);
    expect(error.status).toBe(409);
    expect(deps.priceLists.replaces).toEqual([{ version: 1, expectedVersion: 0, written: false }]);
    expect(await deps.priceLists.current()).toEqual(theirs);
  });

  it('lets exactly one of two simultaneous changes win', async () => {
    const deps = setup();
    const results = await Promise.allSettled([
      replacePriceList(deps, services, 0),
      replacePriceList(deps, services.slice(0, 1), 0),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected');
    expect(lost?.status === 'rejected' && lost.reason).toBeInstanceOf(ConflictError);
    expect((await deps.priceLists.current()).version).toBe(1);
  });
});
