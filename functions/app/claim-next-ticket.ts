import type { Clock, StoredTicket, TicketRepository } from './ports';

/**
 * How many queue heads one attempt looks at. After losing the head to a colleague an agent
 * tries these in random order: a wider window means fewer lost races under contention
 * (fewer wasted writes, see docs/performance.md), at the price that simultaneous claims
 * spread over the first 32 waiting tickets rather than the first few.
 */
const CANDIDATES = 32;
/** Fresh looks at the queue before giving up; each is one Query. */
const ROUNDS = 20;

/**
 * Claims the first waiting ticket for the agent, atomically: one conditional update that
 * succeeds only if the ticket is unchanged since it was read, so under any number of
 * concurrent agents each ticket is claimed once. Without contention the agent gets the head
 * of the queue; after a lost race the agent tries the other heads in random order, so
 * colleagues claiming at the same moment spread over the top tickets instead of all chasing
 * the next one. The heads are read with only their id and version.
 */
export async function claimNextTicket(
  deps: { tickets: TicketRepository; clock: Clock; random?: () => number },
  agent: string,
): Promise<StoredTicket | undefined> {
  const random = deps.random ?? Math.random;
  for (let round = 0; round < ROUNDS; round++) {
    const heads = await deps.tickets.queueHeads(CANDIDATES);
    if (heads.length === 0) return undefined;
    let next = heads.shift();
    while (next) {
      const claimed = await deps.tickets.claim(
        next.ticketId,
        next.version,
        agent,
        deps.clock.now().toISOString(),
      );
      if (claimed) return claimed;
      next = heads.splice(Math.floor(random() * heads.length), 1)[0];
    }
  }
  return undefined;
}
