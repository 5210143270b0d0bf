import { describe, expect, it } from 'vitest';
import { ClaimCandidates } from '../../../functions/app/claim-candidates';
import { claimNextTicket } from '../../../functions/app/claim-next-ticket';
import { aTicket, FakeClock, InMemoryTicketRepository } from '../fakes';

const NOW = '2026-05-04T09:00:00.000Z';

function setup(ticketIds: string[]) {
  const repo = new InMemoryTicketRepository();
  repo.seed(...ticketIds.map((ticketId) => aTicket({ ticketId })));
  const clock = new FakeClock(NOW);
  const claimCandidates = new ClaimCandidates(repo, clock, { size: 4, maxAgeMs: 500 });
  const claim = (agent: string) =>
    claimNextTicket({ tickets: repo, claimCandidates, clock, random: () => 0 }, agent);
  return { repo, clock, claimCandidates, claim };
}

describe('ClaimCandidates', () => {
  it('serves several claims from one read of the queue, in queue order', async () => {
    const { repo, claim } = setup(['T-1', 'T-2', 'T-3']);

    const claimed = [await claim('a'), await claim('b'), await claim('c')];

    expect(claimed.map((t) => t?.ticketId)).toEqual(['T-1', 'T-2', 'T-3']);
    expect(repo.queueReads).toBe(1);
    expect(repo.saves.every((save) => save.written)).toBe(true);
  });

  it('reads again when its heads are used up, and says so when nothing waits', async () => {
    const { repo, claim } = setup(['T-1', 'T-2', 'T-3', 'T-4', 'T-5']);
    for (const agent of ['a', 'b', 'c', 'd']) await claim(agent);
    expect(repo.queueReads).toBe(1);

    expect((await claim('e'))?.ticketId).toBe('T-5');
    expect(await claim('f')).toBeUndefined();
    expect(repo.queueReads).toBe(3);
  });

  it('sees a ticket this instance queued at once, ahead of the heads it had read', async () => {
    const { repo, claimCandidates, claim } = setup(['T-2', 'T-3']);
    expect((await claim('a'))?.ticketId).toBe('T-2');

    await repo.create(
      aTicket({ ticketId: 'T-1', severity: 'critical', receivedAt: '2026-05-04T08:59:00.000Z' }),
    );
    claimCandidates.queueChanged();

    expect((await claim('b'))?.ticketId).toBe('T-1');
    expect(repo.queueReads).toBe(2);
  });

  it('sees a ticket another instance queued once its read is older than maxAgeMs', async () => {
    const { repo, clock, claim } = setup(['T-2', 'T-3', 'T-4']);
    expect((await claim('a'))?.ticketId).toBe('T-2');
    // Queued elsewhere: this instance is not told.
    await repo.create(
      aTicket({ ticketId: 'T-1', severity: 'critical', receivedAt: '2026-05-04T08:59:00.000Z' }),
    );

    clock.set('2026-05-04T09:00:00.499Z');
    expect((await claim('b'))?.ticketId).toBe('T-3');
    clock.set('2026-05-04T09:00:00.500Z');
    expect((await claim('c'))?.ticketId).toBe('T-1');
  });

  it('hands concurrent claims of one instance different tickets, with one read', async () => {
    const { repo, claim } = setup(['T-1', 'T-2', 'T-3', 'T-4']);

    const claimed = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((agent) => claim(agent)));

    expect(claimed.map((t) => t?.ticketId)).toEqual(['T-1', 'T-2', 'T-3', 'T-4', undefined]);
    expect(repo.saves.every((save) => save.written)).toBe(true);
  });

  it('after a race lost to another instance, reads afresh instead of trying the rest of that read', async () => {
    const { repo, claim } = setup(['T-1', 'T-2', 'T-3']);
    expect((await claim('a'))?.ticketId).toBe('T-1');
    // Another instance claims T-2 after this one read the queue.
    repo.overwrite('T-2', { status: 'in_progress', assignee: 'bob' });

    expect((await claim('b'))?.ticketId).toBe('T-3');
    expect(await claim('c')).toBeUndefined();
    expect(repo.saves.map((s) => [s.ticketId, s.written])).toEqual([
      ['T-1', true],
      ['T-2', false],
      ['T-3', true],
    ]);
    // The first read, the one after the lost race, and the one that found nothing left.
    expect(repo.queueReads).toBe(3);
  });

  it('does not try a ticket it won again while a lagging index still lists it', async () => {
    const { repo, clock, claim } = setup(['T-1', 'T-2']);
    // An eventually consistent index: T-1 still shows as waiting after its claim.
    const heads = repo.queueHeads.bind(repo);
    repo.queueHeads = async (limit) => [{ ticketId: 'T-1', version: 1 }, ...(await heads(limit))];

    expect((await claim('a'))?.ticketId).toBe('T-1');
    clock.set('2026-05-04T09:00:00.600Z'); // the first read is too old: read again
    expect((await claim('b'))?.ticketId).toBe('T-2');
    expect(repo.saves.every((save) => save.written)).toBe(true);
  });

  it('offers a ticket it won again at once when this instance puts it back', async () => {
    const { repo, claimCandidates, claim } = setup(['T-1']);
    const won = await claim('a');
    expect(won?.ticketId).toBe('T-1');

    await repo.save({ ...(won as NonNullable<typeof won>), status: 'open', version: 3 }, 2);
    claimCandidates.queueChanged();

    expect((await claim('b'))?.ticketId).toBe('T-1');
  });

  it('reads once more when the queue changed during a read that found nothing', async () => {
    const { repo, claimCandidates, claim } = setup([]);
    let reads = 0;
    const heads = repo.queueHeads.bind(repo);
    repo.queueHeads = async (limit) => {
      reads++;
      // Each of the first three reads overlaps a change; the ticket shows from the fourth.
      if (reads <= 3) {
        claimCandidates.queueChanged();
        if (reads === 3) await repo.create(aTicket({ ticketId: 'T-9' }));
        return [];
      }
      return heads(limit);
    };

    expect((await claim('a'))?.ticketId).toBe('T-9');
  });
});
