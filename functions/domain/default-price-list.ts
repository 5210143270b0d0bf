import type { PriceList } from './price-list';

/**
 * The price list that ships with the product, in force until an admin stores another
 * (`PUT /price-list`). Net prices in cent; time is billed per started unit.
 */
export const DEFAULT_PRICE_LIST: PriceList = {
  version: 0,
  currency: 'EUR',
  services: [
    { code: 'REMOTE', name: 'Fernwartung', unit: 'quarter_hour', unitPriceCents: 3900 },
    { code: 'PHONE', name: 'Telefonsupport', unit: 'quarter_hour', unitPriceCents: 3200 },
    { code: 'ONSITE', name: 'Vor-Ort-Einsatz', unit: 'hour', unitPriceCents: 14500 },
    { code: 'TRAVEL', name: 'Anfahrtspauschale', unit: 'flat', unitPriceCents: 8900 },
    { code: 'DEV', name: 'Programmierung und Anpassung', unit: 'hour', unitPriceCents: 16500 },
    { code: 'ANALYSIS', name: 'Fehleranalyse (minutengenau)', unit: 'minute', unitPriceCents: 260 },
    { code: 'TRAINING', name: 'Schulung', unit: 'hour', unitPriceCents: 12500 },
  ],
};
