import type { CURRENCY } from './money';

export const UNITS = ['minute', 'quarter_hour', 'hour', 'flat'] as const;
export type Unit = (typeof UNITS)[number];

/** One billable service of the price list; prices are integer cents, net, EUR. */
export interface ServiceCode {
  code: string;
  name: string;
  unit: Unit;
  unitPriceCents: number;
}

/** The price list in force. Every change is a new version; work entries keep theirs. */
export interface PriceList {
  version: number;
  currency: typeof CURRENCY;
  /** When this version came into force, ISO-8601 UTC; absent for the shipped default. */
  validFrom?: string;
  services: ServiceCode[];
}

export function serviceOf(priceList: PriceList, code: string): ServiceCode | undefined {
  return priceList.services.find((service) => service.code === code);
}
