import { Construct } from 'constructs';
import { TicketTable } from './ticket-table';

/**
 * The stateful part of the service desk: what holds records and must survive any deploy
 * of the code. Construct ids here fix the resources' logical ids; renaming one replaces
 * the resource, so they stay as they are.
 */
export class ServiceDeskData extends Construct {
  /** Tickets, customers, contracts, lookups and counters (single-table design). */
  readonly table: TicketTable;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new TicketTable(this, 'Table');
  }
}
