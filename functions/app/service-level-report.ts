import { stringify } from 'csv-stringify/sync';
import {
  contractCoversMonth,
  reportCsvRows,
  ServiceLevelTally,
  type ServiceLevelReport,
  type ServiceLevelRow,
} from '../domain/service-levels/report';
import { berlinMonth } from '../domain/calendar';
import type { Customer } from '../domain/customer';
import { customerPortalPartition } from '../domain/portal';
import type { Ticket } from '../domain/ticket';
import { calendarOf, planFor } from './manage-service-levels';
import type {
  Clock,
  CustomerRepository,
  PortalTickets,
  ServiceLevelPlans,
  TicketRepository,
} from './ports';

export interface ReportDeps {
  tickets: TicketRepository;
  customers: CustomerRepository;
  serviceLevels: ServiceLevelPlans;
  clock: Clock;
}

/** Customers read per page when listing the contract customers. */
const CUSTOMER_PAGE = 200;

/**
 * The monthly service-level report (SPEC §9): the month's tickets from one paged Query on
 * the received index (no scan), every customer whose contract runs in the month from the
 * customer list; first responses measured in business minutes on each ticket's plan.
 */
export async function serviceLevelReport(
  deps: ReportDeps,
  month: string,
  contractCustomers?: Customer[],
): Promise<ServiceLevelReport> {
  const tally = new ServiceLevelTally(month, deps.clock.now());
  for (const customer of contractCustomers ?? (await contractCustomersOf(deps, month))) {
    if (customer.contract) {
      tally.addCustomer(customer.customerId, customer.name, customer.contract);
    }
  }
  for await (const tickets of deps.tickets.receivedInMonth(month)) {
    for (const ticket of tickets) {
      tally.addTicket(ticket, await firstResponseBusinessMs(deps, ticket));
    }
  }
  return tally.report();
}

/**
 * Business time from a contract ticket's clock start to its first response, on the ticket's
 * plan; undefined before the first response and for tickets without a clock.
 */
async function firstResponseBusinessMs(
  deps: Pick<ReportDeps, 'serviceLevels'>,
  ticket: Ticket,
): Promise<number | undefined> {
  const sla = ticket.group === 'contract' ? ticket.sla : undefined;
  if (!sla?.firstResponseAt) return undefined;
  const calendar = calendarOf(await planFor(deps, sla.planId));
  return calendar.between(Date.parse(sla.startedAt), Date.parse(sla.firstResponseAt));
}

/** One customer's service-level results of one month: a row per plan its tickets ran on. */
export type CustomerServiceLevels = Omit<ServiceLevelRow, 'customerId' | 'customerName'>;

/**
 * The service-level results of one contract customer for each of `months` (Berlin
 * `YYYY-MM`), counted as the monthly report counts them (SPEC §9: the Berlin month of
 * receipt, judged at `now`), from the customer's own tickets: one paged Query of its
 * portal partition over the months, not the months' tickets of every customer.
 */
export async function customerServiceLevels(
  deps: {
    portalTickets: Pick<PortalTickets, 'receivedBetween'>;
    serviceLevels: ServiceLevelPlans;
    clock: Clock;
  },
  customer: Pick<Customer, 'customerId' | 'name' | 'contract'>,
  months: readonly string[],
): Promise<Map<string, CustomerServiceLevels[]>> {
  const now = deps.clock.now();
  const tallies = new Map(months.map((month) => [month, new ServiceLevelTally(month, now)]));
  for (const [month, tally] of tallies) {
    if (customer.contract && contractCoversMonth(customer.contract, month)) {
      tally.addCustomer(customer.customerId, customer.name, customer.contract);
    }
  }
  const first = months[0];
  if (first !== undefined) {
    // A day on either side covers the Berlin month's edges in UTC; each ticket is then
    // counted in its own Berlin month, and those outside the months are left out.
    const from = new Date(Date.parse(`${first}-01T00:00:00Z`) - DAY_MS).toISOString();
    const to = new Date(now.getTime() + DAY_MS).toISOString();
    for await (const tickets of deps.portalTickets.receivedBetween(
      customerPortalPartition(customer.customerId),
      from,
      to,
    )) {
      for (const ticket of tickets) {
        const tally = tallies.get(berlinMonth(ticket.receivedAt));
        if (tally && ticket.customer?.id === customer.customerId) {
          tally.addTicket(ticket, await firstResponseBusinessMs(deps, ticket));
        }
      }
    }
  }
  const results = new Map<string, CustomerServiceLevels[]>();
  for (const [month, tally] of tallies) {
    results.set(
      month,
      tally
        .report()
        .rows.filter((row) => row.customerId === customer.customerId)
        .map(({ customerId: _id, customerName: _name, ...row }) => row),
    );
  }
  return results;
}

const DAY_MS = 24 * 3600 * 1000;

/** Every customer whose contract runs in the month, from the paged customer list. */
export async function contractCustomersOf(
  deps: Pick<ReportDeps, 'customers'>,
  month: string,
): Promise<Customer[]> {
  const found: Customer[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.customers.list(CUSTOMER_PAGE, cursor);
    for (const customer of page.items) {
      if (customer.contract && contractCoversMonth(customer.contract, month)) found.push(customer);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}

/** The report as CSV text (RFC 4180, header first). */
export function serviceLevelReportCsv(report: ServiceLevelReport): string {
  return stringify(reportCsvRows(report));
}
