import type { Unit } from './price-list';

/**
 * A work entry as billing records it: what an agent did on a ticket, and what of it is
 * billable under the customer's contract, priced from the price list in force then (the
 * entry keeps that price, whatever the list says later).
 */
export interface WorkEntry {
  entryId: string;
  ticketId: string;
  agent: string;
  /** Europe/Berlin calendar day of the work. */
  date: string;
  minutes: number;
  serviceCode: string;
  serviceName: string;
  unit: Unit;
  description: string;
  coveredMinutes: number;
  billableMinutes: number;
  quantity: number;
  unitPriceCents: number;
  amountCents: number;
  currency: 'EUR';
  priceListVersion: number;
  /** The customer billed: a known customer, or the requester of an unmatched ticket. */
  customer: { id: string | null; name: string };
  contractId?: string;
  recordedAt: string;
}

export function isBillable(entry: Pick<WorkEntry, 'amountCents'>): boolean {
  return entry.amountCents > 0;
}

/** Minutes of the contract's monthly allowance this entry may still use. */
export function coverableMinutes(wanted: number, usedThisMonth: number, included: number): number {
  return Math.max(0, Math.min(wanted, included - usedThisMonth));
}
