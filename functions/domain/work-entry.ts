/**
 * A work entry as billing records it: what an agent did on a ticket, and what of it is
 * billable under the customer's contract, priced from the price list in force then.
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
  description: string;
  coveredMinutes: number;
  billableMinutes: number;
  quantity: number;
  unitPriceCents: number;
  amountCents: number;
  currency: 'EUR';
}

export function isBillable(entry: WorkEntry): boolean {
  return entry.amountCents > 0;
}
