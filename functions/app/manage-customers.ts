import { berlinDay } from '../domain/calendar';
import { isContractActiveOn, type Customer } from '../domain/customer';
import { NotFoundError } from '../domain/errors';
import { regroupTicket } from './change-ticket';
import { assertPlanExists } from './manage-service-levels';
import type { Clock, CustomerRepository, ServiceLevelPlans, TicketRepository } from './ports';

type Deps = {
  customers: CustomerRepository;
  tickets: TicketRepository;
  clock: Clock;
  serviceLevels: ServiceLevelPlans;
};

export async function getCustomer(deps: Pick<Deps, 'customers'>, customerId: string) {
  const customer = await deps.customers.get(customerId);
  if (!customer) throw new NotFoundError(`No customer ${customerId}.`);
  return customer;
}

/**
 * Creates or replaces a customer. Its waiting tickets then move to the group its contract
 * gives today, so a contract that starts or ends now takes effect in the queue at once.
 */
export async function putCustomer(
  deps: Deps,
  customer: Customer,
  /** The admin who saves it: the actor of the regroups it causes (SPEC §13). @default 'system' */
  admin = 'system',
): Promise<{ customer: Customer; created: boolean; regrouped: number }> {
  await assertPlanExists(deps, customer.contract?.serviceLevel);
  const previous = await deps.customers.get(customer.customerId);
  const saved = { ...customer, updatedAt: deps.clock.now().toISOString() };
  await deps.customers.save(saved, previous);
  const regrouped = await regroupWaitingTickets(deps, saved, admin);
  return { customer: saved, created: previous === undefined, regrouped };
}

/** Puts every waiting ticket of the customer in the group its contract gives today. */
export async function regroupWaitingTickets(
  deps: Deps,
  customer: Customer,
  actor = 'system',
): Promise<number> {
  const group = isContractActiveOn(customer.contract, berlinDay(deps.clock.now()))
    ? 'contract'
    : 'standard';
  let moved = 0;
  for await (const ticket of deps.tickets.waitingTicketsOf(customer.customerId)) {
    if (ticket.group === group) continue;
    const after = await regroupTicket(
      deps,
      ticket.ticketId,
      group,
      customer.contract?.serviceLevel,
      actor,
    );
    if (after.group === group && after.status === 'open') moved++;
  }
  return moved;
}

/** The daily job: customers whose contract starts or ends today get their tickets moved. */
export async function regroupContractBoundaries(deps: Deps): Promise<number> {
  const today = berlinDay(deps.clock.now());
  let moved = 0;
  for (const customerId of await deps.customers.customersWithContractBoundaryOn(today)) {
    const customer = await deps.customers.get(customerId);
    if (customer) moved += await regroupWaitingTickets(deps, customer);
  }
  return moved;
}
