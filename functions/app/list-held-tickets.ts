import type { TicketPage, TicketRepository } from './ports';

/**
 * The agent's tickets in hand ("my tickets"): in progress or waiting for the customer,
 * most recently changed first. One Query on the assignee index.
 */
export function listHeldTickets(
  deps: { tickets: TicketRepository },
  assignee: string,
  limit: number,
  cursor?: string,
): Promise<TicketPage> {
  return deps.tickets.heldTickets(assignee, limit, cursor);
}
