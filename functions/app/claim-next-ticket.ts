import type { ClaimCandidates } from './claim-candidates';
import type { BusinessMetrics, Clock, StoredTicket, TicketRepository } from './ports';

/** Conditional writes one claim may lose (to other instances) before it gives up. */
const ATTEMPTS = 200;

/**
 * Claims the first waiting ticket for the agent, atomically: one conditional update that
 * succeeds only if the ticket is unchanged since it was read, so under any number of
 * concurrent agents each ticket is claimed once. The heads come from this instance's
 * claim candidates (one Query serves many claims, and claims of one instance never race
 * each other); without contention the agent gets the head of the queue. After a race lost
 * to another instance the heads are read afresh and picked at random among, so colleagues
 * claiming at the same moment spread over the top tickets instead of all chasing the next.
 */
export async function claimNextTicket(
  deps: {
    tickets: Pick<TicketRepository, 'claim'>;
    claimCandidates: ClaimCandidates;
    clock: Clock;
    random?: () => number;
    metrics?: BusinessMetrics;
  },
  agent: string,
): Promise<StoredTicket | undefined> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const head = await deps.claimCandidates.next(deps.random);
    if (!head) return undefined;
    let claimed: StoredTicket | undefined;
    const now = deps.clock.now();
    try {
      claimed = await deps.tickets.claim(head.ticketId, head.version, agent, now.toISOString());
    } finally {
      deps.claimCandidates.settled(head, claimed !== undefined);
    }
    if (claimed) {
      // How long it waited for an agent: the queue's own measure, per group.
      const waited = now.getTime() - Date.parse(claimed.receivedAt);
      deps.metrics?.record('timeToClaim', Math.max(0, waited), { group: claimed.group });
      return claimed;
    }
  }
  return undefined;
}
