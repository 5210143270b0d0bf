import { afterEach, describe, expect, it, vi } from 'vitest';
import { submitTicket, type TicketSubmission } from '../../../functions/app/submit-ticket';
import { sweepAcknowledgements } from '../../../functions/app/sweep-acknowledgements';
import { fakeDeps } from '../fakes';

const form: TicketSubmission = {
  name: 'Anna Berg',
  email: 'anna@example.org',
  subject: 'Export fails',
  description: 'The monthly export stops at 50%.',
  severity: 'high',
  locale: 'en',
  channel: 'web',
};

describe('the pending acknowledgement and its sweeper', () => {
  afterEach(() => vi.restoreAllMocks());

  it('stores the acknowledgement with the ticket and takes the mark off once it is queued', async () => {
    const deps = fakeDeps('2026-05-04T08:00:00.000Z');
    const { ticket, accessToken } = await submitTicket(deps, form);
    expect(ticket).not.toHaveProperty('pendingAcknowledgement');
    const [event, ...more] = deps.outbox.published;
    expect(more).toEqual([]);
    expect(event).toMatchObject({ kind: 'acknowledgement', ticketId: ticket.ticketId });
    // The event carries the token's nonce, never the token (SPEC §14); the mailer derives it.
    expect(JSON.stringify(event)).not.toContain(accessToken);
    const nonce = (event as { tokenNonce: string }).tokenNonce;
    expect(await deps.accessTokens.tokenFor(ticket.ticketId, nonce)).toBe(accessToken);
    expect((await deps.tickets.get(ticket.ticketId))?.pendingAcknowledgement).toBeUndefined();
  });

  it('queues, after the grace time, what a failed publish left pending, exactly once', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const deps = fakeDeps('2026-05-04T08:00:00.000Z');
    deps.outbox.failing = true;
    const { ticket, accessToken } = await submitTicket(deps, form);
    expect(deps.outbox.published).toHaveLength(0);
    const stored = await deps.tickets.get(ticket.ticketId);
    expect(stored?.pendingAcknowledgement).toMatchObject({ eventId: `ack.${ticket.ticketId}` });
    // What waits at rest in the table holds no token either.
    expect(JSON.stringify(stored?.pendingAcknowledgement)).not.toContain(accessToken);
    const nonce = stored?.pendingAcknowledgement?.tokenNonce ?? '';
    expect(await deps.accessTokens.tokenFor(ticket.ticketId, nonce)).toBe(accessToken);

    deps.outbox.failing = false;
    // Younger than the grace time: left to the request that is storing it.
    deps.clock.set('2026-05-04T08:00:10.000Z');
    expect(await sweepAcknowledgements(deps, { graceSeconds: 30 })).toEqual({
      queued: 0,
      failed: 0,
    });
    deps.clock.set('2026-05-04T08:01:00.000Z');
    expect(await sweepAcknowledgements(deps, { graceSeconds: 30 })).toEqual({
      queued: 1,
      failed: 0,
    });
    expect(deps.outbox.published).toEqual([
      {
        kind: 'acknowledgement',
        eventId: `ack.${ticket.ticketId}`,
        ticketId: ticket.ticketId,
        tokenNonce: nonce,
      },
    ]);
    expect(await sweepAcknowledgements(deps, { graceSeconds: 30 })).toEqual({
      queued: 0,
      failed: 0,
    });
    expect(deps.outbox.published).toHaveLength(1);
  });

  it('keeps a ticket pending while the queue still fails, and reports it', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const deps = fakeDeps('2026-05-04T08:00:00.000Z');
    deps.outbox.failing = true;
    const { ticket } = await submitTicket(deps, form);
    deps.clock.set('2026-05-04T08:05:00.000Z');
    expect(await sweepAcknowledgements(deps, { graceSeconds: 30 })).toEqual({
      queued: 0,
      failed: 1,
    });
    expect((await deps.tickets.get(ticket.ticketId))?.pendingAcknowledgement).toBeDefined();
  });

  it('keeps the pending mark through a change made before the sweep', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const deps = fakeDeps('2026-05-04T08:00:00.000Z');
    deps.outbox.failing = true;
    const { ticket } = await submitTicket(deps, form);
    const stored = await deps.tickets.get(ticket.ticketId);
    if (!stored) throw new Error('not stored');
    await deps.tickets.save({ ...stored, severity: 'low', version: 2 }, 1);
    deps.outbox.failing = false;
    deps.clock.set('2026-05-04T08:05:00.000Z');
    expect((await sweepAcknowledgements(deps, { graceSeconds: 30 })).queued).toBe(1);
  });
});
