import type { Clock, StoredTicket, TicketRepository } from './ports';

/** How many queue heads one attempt looks at. */
const CANDIDATES = 16;
/** Fresh looks at the queue before giving up; each is one Query. */
const ROUNDS = 20;

/**
 * Claims the first waiting ticket for the agent, atomically: the write succeeds only if the
 * ticket is unchanged since it was read, so under any number of concurrent agents each
 * ticket is claimed once. Without contention the agent gets the head of the queue; after a
 * lost race the agent tries the other heads in random order, so colleagues claiming at the
 * same moment spread over the top tickets instead of all chasing the next one.
 */
export async function claimNextTicket(
  deps: { tickets: TicketRepository; clock: Clock; random?: () => number },
  agent: string,
): Promise<StoredTicket | undefined> {
  const random = deps.random ?? Math.random;
  for (let round = 0; round < ROUNDS; round++) {
    const { items } = await deps.tickets.queuePage(CANDIDATES);
    if (items.length === 0) return undefined;
    const candidates = [...items];
    let next = candidates.shift();
    while (next) {
      const claimed = await claim(deps, next, agent);
      if (claimed) return claimed;
      const pick = Math.floor(random() * candidates.length);
      next = candidates.splice(pick, 1)[0];
    }
  }
  return undefined;
}

/** Claims this very ticket if it still waits; resolves undefined if someone was faster. */
export async function claim(
  deps: { tickets: TicketRepository; clock: Clock },
  ticket: StoredTicket,
  agent: string,
): Promise<StoredTicket | undefined> {
  if (ticket.status !== 'open') return undefined;
  const claimed: StoredTicket = {
    ...ticket,
    status: 'in_progress',
    assignee: agent,
    updatedAt: deps.clock.now().toISOString(),
    version: ticket.version + 1,
  };
  return (await deps.tickets.save(claimed, ticket.version)) ? claimed : undefined;
}
