import { describe, expect, it } from 'vitest';
import { regroupTicket, releaseTicket, updateTicket } from '../../../functions/app/change-ticket';
import { ClaimCandidates } from '../../../functions/app/claim-candidates';
import { claimNextTicket } from '../../../functions/app/claim-next-ticket';
import type { StoredTicket } from '../../../functions/app/ports';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  type ServiceDeskError,
} from '../../../functions/domain/errors';
import { encodeQueueKey } from '../../../functions/domain/queue-key';
import {
  aTicket,
  FakeClock,
  InMemoryOutbox,
  InMemoryServiceLevelPlans,
  InMemoryTicketRepository,
} from '../fakes';

const NOW = '2026-05-04T09:00:00.000Z';

function setup(tickets: StoredTicket[]) {
  const repo = new InMemoryTicketRepository();
  repo.seed(...tickets);
  return {
    repo,
    deps: {
      tickets: repo,
      clock: new FakeClock(NOW),
      outbox: new InMemoryOutbox(),
      serviceLevels: new InMemoryServiceLevelPlans(),
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<ServiceDeskError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceDeskError;
  }
  throw new Error('expected a rejection');
}

const older = () =>
  aTicket({ ticketId: 'T-1', severity: 'normal', receivedAt: '2026-05-04T06:00:00.000Z' });
const newer = () =>
  aTicket({ ticketId: 'T-2', severity: 'normal', receivedAt: '2026-05-04T07:00:00.000Z' });

describe('updateTicket', () => {
  it('re-keys a waiting ticket in the queue when its severity changes', async () => {
    const { repo, deps } = setup([older(), newer()]);
    expect(repo.queueIds()).toEqual(['T-1', 'T-2']);

    const changed = await updateTicket(deps, 'T-2', 'alice', { severity: 'critical' });

    expect(changed).toMatchObject({
      severity: 'critical',
      status: 'open',
      receivedAt: '2026-05-04T07:00:00.000Z',
      version: 2,
      updatedAt: NOW,
    });
    expect(changed).not.toHaveProperty('assignee');
    expect(repo.queueIds()).toEqual(['T-2', 'T-1']);
    expect(encodeQueueKey(changed)).toBe('2#1#2026-05-04T07:00:00.000Z#T-000000000002');

    await updateTicket(deps, 'T-2', 'alice', { severity: 'low' });
    expect(repo.queueIds()).toEqual(['T-1', 'T-2']);
  });

  it('claims with open → in_progress: the agent becomes the assignee and it leaves the queue', async () => {
    const { repo, deps } = setup([older(), newer()]);

    const changed = await updateTicket(deps, 'T-2', 'alice', { status: 'in_progress' });

    expect(changed).toMatchObject({ status: 'in_progress', assignee: 'alice', version: 2 });
    expect(await repo.get('T-2')).toEqual(changed);
    expect(repo.queueIds()).toEqual(['T-1']);
  });

  it('clears the assignee with → open and puts the ticket back at its original place', async () => {
    const { repo, deps } = setup([older(), newer()]);
    const claimed = await claimNextTicket(
      { ...deps, claimCandidates: new ClaimCandidates(repo, deps.clock), random: () => 0 },
      'alice',
    );
    expect(claimed?.ticketId).toBe('T-1');

    const reopened = await updateTicket(deps, 'T-1', 'alice', { status: 'open' });

    expect(reopened.status).toBe('open');
    expect(reopened).not.toHaveProperty('assignee');
    expect(reopened.receivedAt).toBe('2026-05-04T06:00:00.000Z');
    expect(repo.queueIds()).toEqual(['T-1', 'T-2']);
  });

  it('reopens a resolved ticket without an assignee', async () => {
    const { deps } = setup([aTicket({ ticketId: 'T-1', status: 'resolved', assignee: 'bob' })]);
    const reopened = await updateTicket(deps, 'T-1', 'alice', { status: 'open' });
    expect(reopened.status).toBe('open');
    expect(reopened).not.toHaveProperty('assignee');
  });

  it('keeps the assignee through waiting_customer and back', async () => {
    const { deps } = setup([aTicket({ ticketId: 'T-1', status: 'in_progress', assignee: 'bob' })]);
    const waiting = await updateTicket(deps, 'T-1', 'bob', { status: 'waiting_customer' });
    expect(waiting).toMatchObject({ status: 'waiting_customer', assignee: 'bob' });
    const back = await updateTicket(deps, 'T-1', 'bob', { status: 'in_progress' });
    expect(back).toMatchObject({ status: 'in_progress', assignee: 'bob', version: 3 });
  });

  it('changes severity and status in one go', async () => {
    const { repo, deps } = setup([older()]);
    const changed = await updateTicket(deps, 'T-1', 'alice', {
      severity: 'high',
      status: 'in_progress',
    });
    expect(changed).toMatchObject({ severity: 'high', status: 'in_progress', assignee: 'alice' });
    expect(repo.saves).toHaveLength(1);
  });

  it('rejects an invalid transition with 409 and stores nothing', async () => {
    const { repo, deps } = setup([older()]);
    const error = await rejection(updateTicket(deps, 'T-1', 'alice', { status: 'closed' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.status).toBe(409);
    expect(await repo.get('T-1')).toEqual(older());
    expect(repo.saves).toEqual([]);
  });

  it('rejects any change of status of a closed ticket', async () => {
    const { deps } = setup([aTicket({ ticketId: 'T-1', status: 'closed' })]);
    await expect(updateTicket(deps, 'T-1', 'alice', { status: 'open' })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('writes nothing when nothing changes', async () => {
    const { repo, deps } = setup([older()]);
    const same = await updateTicket(deps, 'T-1', 'alice', { severity: 'normal', status: 'open' });
    expect(same).toEqual(older());
    expect(repo.saves).toEqual([]);
  });

  it('is a 404 for an unknown ticket', async () => {
    const { deps } = setup([]);
    const error = await rejection(updateTicket(deps, 'T-404', 'alice', { severity: 'low' }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.status).toBe(404);
  });

  it('re-applies the change on top of a concurrent edit instead of overwriting it', async () => {
    const { repo, deps } = setup([older()]);
    // Bob sets the severity while Alice claims; Alice's first write loses.
    repo.beforeSave = () => {
      repo.beforeSave = undefined;
      repo.overwrite('T-1', { severity: 'critical' });
    };

    const changed = await updateTicket(deps, 'T-1', 'alice', { status: 'in_progress' });

    expect(changed).toMatchObject({
      severity: 'critical',
      status: 'in_progress',
      assignee: 'alice',
      version: 3,
    });
    expect(await repo.get('T-1')).toEqual(changed);
    expect(repo.saves.map((s) => [s.expectedVersion, s.written])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it('checks the transition again after a lost race', async () => {
    const { repo, deps } = setup([older()]);
    // Bob claims the ticket first; Alice's open → in_progress must not take it from him.
    repo.beforeSave = () => {
      repo.beforeSave = undefined;
      repo.overwrite('T-1', { status: 'in_progress', assignee: 'bob' });
    };
    const error = await rejection(updateTicket(deps, 'T-1', 'alice', { status: 'in_progress' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.status).toBe(409);
    expect(await repo.get('T-1')).toMatchObject({ status: 'in_progress', assignee: 'bob' });
    expect(repo.saves.filter((s) => s.written)).toEqual([]);
  });

  it('gives up with 409 when it keeps losing races', async () => {
    const { repo, deps } = setup([older()]);
    repo.beforeSave = () => {
      repo.overwrite('T-1', {});
    };
    const error = await rejection(updateTicket(deps, 'T-1', 'alice', { severity: 'high' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.status).toBe(409);
    expect((await repo.get('T-1'))?.severity).toBe('normal');
  });
});

describe('updateTicket: held tickets (SPEC §14)', () => {
  const held = () =>
    aTicket({ ticketId: 'T-1', status: 'in_progress', assignee: 'alice', severity: 'normal' });

  it.each([
    [{ status: 'resolved' as const }],
    [{ status: 'waiting_customer' as const }],
    [{ status: 'open' as const }],
    [{ severity: 'critical' as const }],
  ])('forbids another agent %o (403), changing nothing', async (change) => {
    const { repo, deps } = setup([held()]);
    const error = await rejection(updateTicket(deps, 'T-1', 'bob', change));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.status).toBe(403);
    expect(await repo.get('T-1')).toEqual(held());
    expect(repo.saves).toEqual([]);
  });

  it('lets an admin change it; the assignee stays', async () => {
    const { deps } = setup([held()]);
    const changed = await updateTicket(
      deps,
      'T-1',
      'root',
      { severity: 'high', status: 'waiting_customer' },
      { admin: true },
    );
    expect(changed).toMatchObject({
      severity: 'high',
      status: 'waiting_customer',
      assignee: 'alice',
    });
  });

  it('lets an admin release it', async () => {
    const { deps } = setup([held()]);
    expect(await releaseTicket(deps, 'T-1', 'root', { admin: true })).toMatchObject({
      status: 'open',
    });
  });

  it('records a take out of queue order, and not a take of the first ticket', async () => {
    const { deps } = setup([older(), newer()]);
    const skipped = await updateTicket(deps, 'T-2', 'alice', { status: 'in_progress' });
    expect(skipped.takenOutOfOrder).toEqual({ by: 'alice', at: NOW });
    const first = await updateTicket(deps, 'T-1', 'bob', { status: 'in_progress' });
    expect(first.takenOutOfOrder).toBeUndefined();
  });
});

describe('releaseTicket', () => {
  it('gives the holder’s ticket back to the queue at its original place', async () => {
    const { repo, deps } = setup([older(), newer()]);
    await claimNextTicket(
      { ...deps, claimCandidates: new ClaimCandidates(repo, deps.clock), random: () => 0 },
      'alice',
    );
    expect(repo.queueIds()).toEqual(['T-2']);

    const released = await releaseTicket(deps, 'T-1', 'alice');

    expect(released).toMatchObject({
      ticketId: 'T-1',
      status: 'open',
      receivedAt: '2026-05-04T06:00:00.000Z',
      version: 3,
    });
    expect(released).not.toHaveProperty('assignee');
    expect(repo.queueIds()).toEqual(['T-1', 'T-2']);
    expect(encodeQueueKey(released)).toBe(encodeQueueKey(older()));
  });

  it('releases a ticket waiting for the customer too', async () => {
    const { deps } = setup([
      aTicket({ ticketId: 'T-1', status: 'waiting_customer', assignee: 'alice' }),
    ]);
    expect(await releaseTicket(deps, 'T-1', 'alice')).toMatchObject({ status: 'open' });
  });

  it('forbids a release by an agent who does not hold the ticket (403), changing nothing', async () => {
    const held = aTicket({ ticketId: 'T-1', status: 'in_progress', assignee: 'bob' });
    const { repo, deps } = setup([held]);

    const error = await rejection(releaseTicket(deps, 'T-1', 'alice'));

    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.status).toBe(403);
    expect(await repo.get('T-1')).toEqual(held);
    expect(repo.saves).toEqual([]);
  });

  it('refuses to release a ticket nobody holds (409)', async () => {
    const { deps } = setup([older(), aTicket({ ticketId: 'T-9', status: 'resolved' })]);
    for (const id of ['T-1', 'T-9']) {
      const error = await rejection(releaseTicket(deps, id, 'alice'));
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.status).toBe(409);
    }
  });

  it('is a 404 for an unknown ticket', async () => {
    const { deps } = setup([]);
    await expect(releaseTicket(deps, 'T-404', 'alice')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('regroupTicket', () => {
  it('moves a waiting ticket to the other group and re-keys it', async () => {
    const { repo, deps } = setup([
      aTicket({ ticketId: 'T-1', group: 'contract' }),
      aTicket({ ticketId: 'T-2', group: 'standard', receivedAt: '2026-05-04T06:00:00.000Z' }),
    ]);
    expect(repo.queueIds()).toEqual(['T-1', 'T-2']);
    const moved = await regroupTicket(deps, 'T-2', 'contract');
    expect(moved.group).toBe('contract');
    expect(repo.queueIds()).toEqual(['T-2', 'T-1']);
  });

  it('leaves tickets alone that are held or already in the group', async () => {
    const held = aTicket({ ticketId: 'T-1', status: 'in_progress', assignee: 'bob' });
    const { repo, deps } = setup([held, aTicket({ ticketId: 'T-2', group: 'contract' })]);
    expect(await regroupTicket(deps, 'T-1', 'contract')).toEqual(held);
    expect((await regroupTicket(deps, 'T-2', 'contract')).version).toBe(1);
    expect(repo.saves).toEqual([]);
  });
});
