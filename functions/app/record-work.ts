import { createHash } from 'node:crypto';
import { billingMonthOf, chargeFor, isCovered } from '../domain/billing';
import { berlinDay } from '../domain/calendar';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import { serviceOf } from '../domain/price-list';
import type { WorkEntry } from '../domain/work-entry';
import type {
  Allowances,
  Clock,
  CustomerRepository,
  PriceListStore,
  TicketRepository,
  WorkEntryRepository,
} from './ports';

export interface WorkInput {
  minutes: number;
  serviceCode: string;
  description: string;
  /** Europe/Berlin day of the work; today when absent. */
  date?: string;
}

export interface RecordWorkDeps {
  tickets: TicketRepository;
  customers: CustomerRepository;
  priceLists: PriceListStore;
  allowances: Allowances;
  workEntries: WorkEntryRepository;
  clock: Clock;
  newId(): string;
}

/**
 * An agent logs work on a ticket. The price comes from the price list in force; for a
 * contract customer, covered services use the contract's included minutes of that month
 * first (taken atomically, so concurrent entries never share minutes), the rest is billed
 * per started unit. With an idempotency key a retried request records the entry once.
 */
export async function recordWork(
  deps: RecordWorkDeps,
  ticketId: string,
  agent: string,
  input: WorkInput,
  idempotencyKey?: string,
): Promise<{ entry: WorkEntry; created: boolean }> {
  const ticket = await deps.tickets.get(ticketId);
  if (!ticket) throw new NotFoundError(`No ticket ${ticketId}.`);
  const entryId = idempotencyKey
    ? `W${createHash('sha256').update(`${ticketId}.${idempotencyKey}`).digest('hex').slice(0, 20)}`
    : `W${deps.newId()}`;
  // A retry finds what the first attempt recorded, whatever day it is now.
  const recorded = idempotencyKey ? await deps.workEntries.get(ticketId, entryId) : undefined;
  if (recorded) return { entry: recorded, created: false };
  if (ticket.status === 'closed') {
    throw new ConflictError(`Ticket ${ticketId} is closed; work cannot be logged on it.`);
  }
  const today = berlinDay(deps.clock.now());
  const date = input.date ?? today;
  if (date > today) {
    throw new ValidationError('Work cannot be logged for a day in the future.', [
      { field: 'body.date', message: `must be ${today} or earlier` },
    ]);
  }
  // A request that may be a retry reads afresh: on another instance it must see the
  // contract and prices its first attempt saw, or minutes it took would be billed too.
  const mayBeRetry = idempotencyKey !== undefined;
  const priceList = mayBeRetry ? await deps.priceLists.current() : await deps.priceLists.recent();
  const service = serviceOf(priceList, input.serviceCode);
  if (!service) {
    throw new ValidationError(`Unknown service code ${input.serviceCode}.`, [
      {
        field: 'body.serviceCode',
        message: `one of ${priceList.services.map((s) => s.code).join(', ')}`,
      },
    ]);
  }

  const customer = !ticket.customer
    ? undefined
    : mayBeRetry
      ? await deps.customers.get(ticket.customer.id)
      : await deps.customers.recent(ticket.customer.id);
  const contract = customer?.contract;
  const covered = isCovered(contract, service.code, date);
  const allowanceLeft =
    covered && customer && contract
      ? await deps.allowances.consume(
          customer.customerId,
          billingMonthOf(date),
          entryId,
          input.minutes,
          contract.includedMinutesPerMonth,
          !mayBeRetry,
        )
      : 0;
  const charge = chargeFor(input.minutes, service, { covered, allowanceLeft });
  return deps.workEntries.add({
    entryId,
    ticketId,
    agent,
    date,
    minutes: input.minutes,
    serviceCode: service.code,
    serviceName: service.name,
    unit: service.unit,
    description: input.description,
    ...charge,
    currency: priceList.currency,
    priceListVersion: priceList.version,
    customer: customer
      ? { id: customer.customerId, name: customer.name }
      : { id: null, name: ticket.requester.email ?? ticket.requester.name },
    ...(contract && isCovered(contract, service.code, date) ? { contractId: contract.id } : {}),
    recordedAt: deps.clock.now().toISOString(),
  });
}
