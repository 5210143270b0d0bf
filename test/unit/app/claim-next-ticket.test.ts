import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClaimCandidates } from '../../../functions/app/claim-candidates';
import { claimNextTicket } from '../../../functions/app/claim-next-ticket';
import type { StoredTicket, TicketRepository } from '../../../functions/app/ports';
import { aTicket, FakeClock, InMemoryTicketRepository } from '../fakes';

const NOW = '2026-05-04T09:00:00.000Z';

function setup(tickets: StoredTicket[]) {
  const repo = new InMemoryTicketRepository();
  repo.seed(...tickets);
  const clock = new FakeClock(NOW);
  const claimCandidates = new ClaimCandidates(repo, clock);
  return { repo, clock, deps: { tickets: repo, claimCandidates, clock, random: () => 0 } };
}

/** A small mixed queue; by SPEC §3 its order is T-4, T-2, T-3, T-1, T-5. */
const queue = () => [
  aTicket({ ticketId: 'T-1', group: 'standard', severity: 'critical' }),
  aTicket({ ticketId: 'T-2', group: 'contract', severity: 'normal' }),
  aTicket({
    ticketId: 'T-3',
    group: 'contract',
    severity: 'normal',
    receivedAt: '2026-05-04T07:30:00.000Z',
  }),
  aTicket({
    ticketId: 'T-4',
    group: 'contract',
    severity: 'high',
    receivedAt: '2026-05-04T08:30:00.000Z',
  }),
  aTicket({ ticketId: 'T-5', group: 'standard', severity: 'low' }),
];

describe('claimNextTicket', () => {
  it('gives the head of the queue when nobody else claims', async () => {
    const { repo, deps } = setup(queue());
    expect(repo.queueIds()).toEqual(['T-4', 'T-2', 'T-3', 'T-1', 'T-5']);

    const claimed = await claimNextTicket(deps, 'alice');

    expect(claimed).toMatchObject({
      ticketId: 'T-4',
      status: 'in_progress',
      assignee: 'alice',
      version: 2,
      updatedAt: NOW,
      receivedAt: '2026-05-04T08:30:00.000Z',
    });
    expect(await repo.get('T-4')).toEqual(claimed);
    expect(repo.queueIds()).toEqual(['T-2', 'T-3', 'T-1', 'T-5']);
    expect(repo.saves).toEqual([{ ticketId: 'T-4', expectedVersion: 1, written: true }]);
  });

  it('hands out the queue in order, one ticket per claim', async () => {
    const { deps } = setup(queue());
    const order: (string | undefined)[] = [];
    for (const agent of ['a', 'b', 'c', 'd', 'e', 'f']) {
      order.push((await claimNextTicket(deps, agent))?.ticketId);
    }
    expect(order).toEqual(['T-4', 'T-2', 'T-3', 'T-1', 'T-5', undefined]);
  });

  it('resolves undefined (the 204 case) when nothing waits, without writing', async () => {
    const { repo, deps } = setup([]);
    expect(await claimNextTicket(deps, 'alice')).toBeUndefined();
    expect(repo.saves).toEqual([]);
    expect(repo.queueReads).toBe(1);
  });

  it('resolves undefined when every ticket is already held', async () => {
    const { repo, deps } = setup([
      aTicket({ ticketId: 'T-1', status: 'in_progress', assignee: 'bob' }),
      aTicket({ ticketId: 'T-2', status: 'resolved' }),
    ]);
    expect(await claimNextTicket(deps, 'alice')).toBeUndefined();
    expect(repo.saves).toEqual([]);
  });

  it('after losing the race for the head, takes another ticket and leaves the head to the winner', async () => {
    const { repo, deps } = setup(queue());
    // Bob claims T-4 between Alice's queue read and her conditional write.
    repo.beforeSave = (ticket) => {
      if (ticket.ticketId === 'T-4' && ticket.assignee === 'alice') {
        repo.overwrite('T-4', { status: 'in_progress', assignee: 'bob' });
      }
    };

    const claimed = await claimNextTicket(deps, 'alice');

    expect(claimed?.ticketId).not.toBe('T-4');
    expect(claimed).toMatchObject({ ticketId: 'T-2', status: 'in_progress', assignee: 'alice' });
    expect(await repo.get('T-4')).toMatchObject({ status: 'in_progress', assignee: 'bob' });
    expect(repo.saves.map((s) => [s.ticketId, s.written])).toEqual([
      ['T-4', false],
      ['T-2', true],
    ]);
  });

  it('does not write a stale copy of a ticket whose version moved: it reads afresh and claims what waits now', async () => {
    const { repo, deps } = setup(queue());
    // Someone raises T-4's severity while Alice claims: her stale copy must not be written.
    repo.beforeSave = (ticket) => {
      if (ticket.ticketId === 'T-4' && ticket.version === 2) {
        repo.beforeSave = undefined;
        repo.overwrite('T-4', { severity: 'critical' });
      }
    };

    const claimed = await claimNextTicket(deps, 'alice');

    // The first write failed its condition; after a fresh read T-4 (now critical) is still
    // the head, and the claim keeps the colleague's change.
    expect(repo.saves.map((s) => [s.ticketId, s.written])).toEqual([
      ['T-4', false],
      ['T-4', true],
    ]);
    expect(claimed).toMatchObject({ ticketId: 'T-4', severity: 'critical', assignee: 'alice' });
    expect(repo.queueReads).toBe(2);
  });

  it('reads the queue again when every candidate of a page was taken', async () => {
    const { repo, deps } = setup(queue());
    // Every write Alice attempts loses to Bob until only T-5 is left.
    repo.beforeSave = (ticket) => {
      if (ticket.assignee === 'alice' && ticket.ticketId !== 'T-5') {
        repo.overwrite(ticket.ticketId, { status: 'in_progress', assignee: 'bob' });
      }
    };

    const claimed = await claimNextTicket(deps, 'alice');

    expect(claimed).toMatchObject({ ticketId: 'T-5', assignee: 'alice' });
    for (const id of ['T-1', 'T-2', 'T-3', 'T-4']) {
      expect(await repo.get(id)).toMatchObject({ status: 'in_progress', assignee: 'bob' });
    }
  });

  it('gives up with undefined, never a held ticket, when it loses every race', async () => {
    const { repo, deps } = setup(queue());
    repo.beforeSave = (ticket) => {
      if (ticket.assignee === 'alice')
        repo.overwrite(ticket.ticketId, { status: 'in_progress', assignee: 'bob' });
    };
    expect(await claimNextTicket(deps, 'alice')).toBeUndefined();
    expect(repo.all().every((t) => t.assignee === 'bob')).toBe(true);
  });

  it('claims each ticket once under any interleaving of concurrent agents', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 3 }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })),
        async (s, agentCount, ticketCount, instanceCount, randoms) => {
          const repo = new InMemoryTicketRepository();
          for (let n = 1; n <= ticketCount; n++) {
            await repo.create(aTicket({ ticketId: `T-${n}`, severity: n % 2 ? 'high' : 'low' }));
          }
          // Each repository call resolves when the scheduler says so: reads go stale.
          const tickets: TicketRepository = {
            create: s.scheduleFunction((t: StoredTicket) => repo.create(t)),
            get: s.scheduleFunction((id: string) => repo.get(id)),
            save: s.scheduleFunction((t: StoredTicket, v: number) => repo.save(t, v)),
            queuePage: s.scheduleFunction((limit: number, cursor?: string) =>
              repo.queuePage(limit, cursor),
            ),
            waitingTicketsOf: (id: string) => repo.waitingTicketsOf(id),
            dueForEscalation: (until: string) => repo.dueForEscalation(until),
            receivedInMonth: (month: string) => repo.receivedInMonth(month),
            heldTickets: (agent: string, limit: number) => repo.heldTickets(agent, limit),
            settleAcknowledgement: (id: string) => repo.settleAcknowledgement(id),
            pendingAcknowledgements: (before: string, limit: number) =>
              repo.pendingAcknowledgements(before, limit),
            queueHeads: s.scheduleFunction((limit: number) => repo.queueHeads(limit)),
            claim: s.scheduleFunction((id: string, v: number, agent: string, at: string) =>
              repo.claim(id, v, agent, at),
            ),
          };
          const random = () => randoms.next().value ?? 0;
          const agents = Array.from({ length: agentCount }, (_, i) => `agent-${i}`);
          const clock = new FakeClock(NOW);
          // Agents are served by one to three instances, each with candidates of its own.
          const instances = Array.from(
            { length: instanceCount },
            () => new ClaimCandidates(tickets, clock),
          );

          const results = await s.waitFor(
            Promise.all(
              agents.map((agent, i) =>
                claimNextTicket(
                  {
                    tickets,
                    claimCandidates: instances[i % instances.length] as ClaimCandidates,
                    clock,
                    random,
                  },
                  agent,
                ),
              ),
            ),
          );

          const won = results.flatMap((ticket, i) =>
            ticket ? [[agents[i], ticket] as const] : [],
          );
          const ids = won.map(([, ticket]) => ticket.ticketId);
          expect(new Set(ids).size).toBe(ids.length);
          expect(won).toHaveLength(Math.min(agentCount, ticketCount));
          for (const [agent, ticket] of won) {
            expect(ticket.assignee).toBe(agent);
            expect(await repo.get(ticket.ticketId)).toEqual(ticket);
          }
          // Nobody holds a ticket without having been handed it.
          const held = repo.all().filter((t) => t.status === 'in_progress');
          expect(held.map((t) => t.ticketId).sort()).toEqual([...ids].sort());
          expect(held.every((t) => t.version === 2)).toBe(true);
          // Claims of one instance never write for the same ticket.
          if (instanceCount === 1) expect(repo.saves.every((save) => save.written)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
