import { ConflictError } from '../domain/errors';
import type { PriceList, ServiceCode } from '../domain/price-list';
import type { Clock, PriceListStore } from './ports';

/**
 * An admin replaces the price list without a deploy. Each change is a new version; a
 * change based on an older version than the one in force is refused (409), so two admins
 * never overwrite each other. Entries already recorded keep their prices.
 */
export async function replacePriceList(
  deps: { priceLists: PriceListStore; clock: Clock },
  services: ServiceCode[],
  basedOnVersion?: number,
): Promise<PriceList> {
  const current = await deps.priceLists.current();
  if (basedOnVersion !== undefined && basedOnVersion !== current.version) {
    throw new ConflictError(
      `The price list changed meanwhile: version ${current.version} is in force, your change is based on ${basedOnVersion}.`,
    );
  }
  const next: PriceList = {
    version: current.version + 1,
    currency: 'EUR',
    validFrom: deps.clock.now().toISOString(),
    services,
  };
  if (!(await deps.priceLists.replace(next, current.version))) {
    throw new ConflictError(
      'The price list was changed at the same moment; load it and try again.',
    );
  }
  return next;
}
