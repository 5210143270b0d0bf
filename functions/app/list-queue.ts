import type { TicketPage, TicketRepository } from './ports';

/** One page of the prioritized queue: a single Query on the queue index. */
export function listQueue(
  deps: { tickets: TicketRepository },
  limit: number,
  cursor?: string,
): Promise<TicketPage> {
  return deps.tickets.queuePage(limit, cursor);
}
