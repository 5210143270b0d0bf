import { isContractActiveOn, type Contract } from './customer';
import type { ServiceCode, Unit } from './price-list';

/** Minutes per unit; `flat` is one per entry whatever the time. */
const MINUTES_PER_UNIT: Record<Exclude<Unit, 'flat'>, number> = {
  minute: 1,
  quarter_hour: 15,
  hour: 60,
};

/** The Europe/Berlin calendar month (`YYYY-MM`) of a work date (`YYYY-MM-DD`). */
export function billingMonthOf(workDate: string): string {
  return workDate.slice(0, 7);
}

/** Units to bill for the minutes: every started unit counts; `flat` is 1 if anything is billed. */
export function quantityFor(billableMinutes: number, unit: Unit): number {
  assertWholeMinutes(billableMinutes);
  if (billableMinutes === 0) return 0;
  if (unit === 'flat') return 1;
  return Math.ceil(billableMinutes / MINUTES_PER_UNIT[unit]);
}

/** Whether the contract covers this service on the work date (Europe/Berlin day). */
export function isCovered(contract: Contract | undefined, serviceCode: string, workDate: string) {
  return (
    !!contract &&
    isContractActiveOn(contract, workDate) &&
    contract.coveredServiceCodes.includes(serviceCode)
  );
}

export interface Charge {
  coveredMinutes: number;
  billableMinutes: number;
  quantity: number;
  unitPriceCents: number;
  amountCents: number;
}

/**
 * What one work entry costs (SPEC §4): covered minutes come out of the contract's
 * allowance left this month, the rest is billed at the service's list price per started
 * unit. An entry may split into a covered and a billable part. Integer cents only.
 */
export function chargeFor(
  minutes: number,
  service: ServiceCode,
  coverage: { covered: boolean; allowanceLeft: number },
): Charge {
  assertWholeMinutes(minutes);
  const coveredMinutes = coverage.covered
    ? Math.min(minutes, Math.max(0, coverage.allowanceLeft))
    : 0;
  const billableMinutes = minutes - coveredMinutes;
  const quantity = quantityFor(billableMinutes, service.unit);
  const amountCents = quantity * service.unitPriceCents;
  if (!Number.isSafeInteger(amountCents)) throw new RangeError('amount out of range');
  return {
    coveredMinutes,
    billableMinutes,
    quantity,
    unitPriceCents: service.unitPriceCents,
    amountCents,
  };
}

function assertWholeMinutes(minutes: number): void {
  if (!Number.isSafeInteger(minutes) || minutes < 0) {
    throw new RangeError(`minutes must be a whole number ≥ 0, not ${minutes}`);
  }
}
