import { describe, expect, it } from 'vitest';
import { submitTicket, type TicketSubmission } from '../../../functions/app/submit-ticket';
import {
  confirmRequesterAddress,
  recordVerifiedRequester,
} from '../../../functions/app/verify-requester';
import { NotFoundError } from '../../../functions/domain/errors';
import { fakeDeps, InMemoryAddressConfirmations } from '../fakes';

const form: TicketSubmission = {
  name: 'Anna Berg',
  email: 'anna@example.org',
  subject: 'Export fails',
  description: 'It stops at 50%.',
  severity: 'normal',
  locale: 'en',
  channel: 'web',
};

function setup() {
  const deps = fakeDeps('2026-05-04T08:00:00.000Z');
  return { ...deps, confirmations: new InMemoryAddressConfirmations(deps.clock) };
}

describe('verified requesters (SPEC §14)', () => {
  it('a web ticket starts unverified; the form itself proves nothing', async () => {
    const deps = setup();
    const { ticket } = await submitTicket(deps, form);
    expect(ticket.requesterVerified).toBe(false);
    expect(ticket).not.toHaveProperty('requesterVerifiedBy');
  });

  it('the confirm code verifies its ticket and the address, for later tickets too', async () => {
    const deps = setup();
    const { ticket } = await submitTicket(deps, form);
    const code = await deps.confirmations.issue(
      ticket.ticketId,
      'anna@example.org',
      new Date('2026-06-01T00:00:00Z'),
    );

    const confirmed = await confirmRequesterAddress(deps, ticket.ticketId, code);

    expect(confirmed).toMatchObject({
      requesterVerified: true,
      requesterVerifiedBy: 'confirm-link',
    });
    expect(await deps.verifiedAddresses.get('Anna@Example.org')).toEqual({
      method: 'confirm-link',
      at: '2026-05-04T08:00:00.000Z',
    });
    // Twice: the same, no new version.
    const again = await confirmRequesterAddress(deps, ticket.ticketId, code);
    expect(again.version).toBe(confirmed.version);
    const later = await submitTicket(deps, { ...form, subject: 'Another one' });
    expect(later.ticket).toMatchObject({
      requesterVerified: true,
      requesterVerifiedBy: 'confirm-link',
    });
  });

  it('refuses unknown, expired and foreign codes with a 404, changing nothing', async () => {
    const deps = setup();
    const first = await submitTicket(deps, form);
    const second = await submitTicket(deps, { ...form, email: 'bob@example.org' });
    const code = await deps.confirmations.issue(
      first.ticket.ticketId,
      'anna@example.org',
      new Date('2026-05-05T00:00:00Z'),
    );

    await expect(confirmRequesterAddress(deps, second.ticket.ticketId, code)).rejects.toThrow(
      NotFoundError,
    );
    await expect(confirmRequesterAddress(deps, first.ticket.ticketId, 'nope')).rejects.toThrow(
      NotFoundError,
    );
    deps.clock.advance(24 * 3600_000);
    await expect(confirmRequesterAddress(deps, first.ticket.ticketId, code)).rejects.toThrow(
      NotFoundError,
    );
    expect((await deps.tickets.get(first.ticket.ticketId))?.requesterVerified).toBe(false);
    expect((await deps.tickets.get(second.ticket.ticketId))?.requesterVerified).toBe(false);
    expect(await deps.verifiedAddresses.get('anna@example.org')).toBeUndefined();
  });

  it('a proof for another address does not verify the ticket (the portal hook)', async () => {
    const deps = setup();
    const { ticket } = await submitTicket(deps, form);

    const unchanged = await recordVerifiedRequester(
      deps,
      'bob@example.org',
      'portal',
      ticket.ticketId,
    );

    expect(unchanged?.requesterVerified).toBe(false);
    expect(await deps.verifiedAddresses.get('bob@example.org')).toMatchObject({ method: 'portal' });
  });
});
