import { stringify } from 'csv-stringify/sync';
import {
  contractCoversMonth,
  reportCsvRows,
  ServiceLevelTally,
  type ServiceLevelReport,
} from '../domain/service-levels/report';
import type { Customer } from '../domain/customer';
import { calendarOf, planFor } from './manage-service-levels';
import type { Clock, CustomerRepository, ServiceLevelPlans, TicketRepository } from './ports';

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
      const sla = ticket.group === 'contract' ? ticket.sla : undefined;
      let firstResponseMs: number | undefined;
      if (sla?.firstResponseAt) {
        const calendar = calendarOf(await planFor(deps, sla.planId));
        firstResponseMs = calendar.between(
          Date.parse(sla.startedAt),
          Date.parse(sla.firstResponseAt),
        );
      }
      tally.addTicket(ticket, firstResponseMs);
    }
  }
  return tally.report();
}

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
