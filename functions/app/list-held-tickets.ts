import type { QueuePage, TicketRepository } from './ports';

/**
 * The agent's tickets in hand ("my tickets"): in progress or waiting for the customer,
 * most recently changed first. One Query on the assignee index.
 */
export function listHeldTickets(
  deps: { tickets: TicketRepository },
  agent: string,
  limit: number,
  cursor?: string,
): Promise<QueuePage> {
  return deps.tickets.heldBy(agent, limit, cursor);
}
