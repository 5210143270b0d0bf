import { describe, expect, it } from 'vitest';
import { lastMonths, requestSignIn, startPortalSession } from '../../../functions/app/portal';
import type { OutboxEvent } from '../../../functions/domain/mail/outbox-event';
import {
  hashPortalSecret,
  portalMaySee,
  portalPartitionOf,
  statusesOf,
  type PortalScope,
} from '../../../functions/domain/portal';

const acme: PortalScope = {
  kind: 'customer',
  customerId: 'acme',
  customerName: 'ACME',
  ownTicketsOnly: false,
};
const ticketOf = (customerId: string | undefined, email: string | undefined) => ({
  ...(customerId ? { customer: { id: customerId, name: customerId } } : {}),
  requester: { name: 'x', ...(email ? { email } : {}) },
});

describe('who sees which ticket in the portal', () => {
  it('shows a customer every ticket of the customer, whoever sent it', () => {
    expect(portalMaySee('it@acme.example', acme, ticketOf('acme', 'anna@acme.example'))).toBe(true);
    expect(portalMaySee('it@acme.example', acme, ticketOf('beta', 'it@acme.example'))).toBe(false);
    expect(portalMaySee('it@acme.example', acme, ticketOf(undefined, 'it@acme.example'))).toBe(
      false,
    );
  });

  it('shows an own-tickets-only contact only what they sent (case-insensitively)', () => {
    const solo = { ...acme, ownTicketsOnly: true };
    expect(portalMaySee('solo@acme.example', solo, ticketOf('acme', 'SOLO@acme.example'))).toBe(
      true,
    );
    expect(portalMaySee('solo@acme.example', solo, ticketOf('acme', 'anna@acme.example'))).toBe(
      false,
    );
  });

  it('shows a requester without a customer only their own tickets without a customer', () => {
    const requester: PortalScope = { kind: 'requester' };
    expect(portalMaySee('a@b.example', requester, ticketOf(undefined, 'a@b.example'))).toBe(true);
    expect(portalMaySee('a@b.example', requester, ticketOf(undefined, 'c@b.example'))).toBe(false);
    expect(portalMaySee('a@b.example', requester, ticketOf('acme', 'a@b.example'))).toBe(false);
  });

  it('lists phone tickets without an address in no portal', () => {
    expect(portalPartitionOf(ticketOf(undefined, undefined))).toBeUndefined();
  });

  it('filters open and done tickets', () => {
    expect(statusesOf('all')).toBeUndefined();
    expect(statusesOf('closed')).toEqual(['resolved', 'closed']);
    expect(statusesOf('open')).toEqual(['open', 'in_progress', 'waiting_customer']);
  });

  it('counts the last 12 months back over a year boundary', () => {
    expect(lastMonths('2026-02', 3)).toEqual(['2025-12', '2026-01', '2026-02']);
    expect(lastMonths('2026-12', 12)[0]).toBe('2026-01');
  });
});

describe('sign-in requests', () => {
  const fakes = (allow: { client: boolean; address: boolean }) => {
    const counted: string[] = [];
    const published: OutboxEvent[] = [];
    let id = 0;
    return {
      counted,
      published,
      deps: {
        rateLimiter: {
          tryConsume: (key: string) => {
            counted.push(key);
            return Promise.resolve(key.startsWith('portal-client:') ? allow.client : allow.address);
          },
        },
        outbox: { publish: (event: OutboxEvent) => Promise.resolve(void published.push(event)) },
        newId: () => `r${++id}`,
      },
    };
  };

  it('counts by hashes, never addresses, and queues one event', async () => {
    const { deps, counted, published } = fakes({ client: true, address: true });
    await requestSignIn(deps, { email: 'a@b.example', locale: 'en', client: '10.0.0.1' });
    expect(counted).toEqual([
      `portal-client:${hashPortalSecret('10.0.0.1')}`,
      `portal-address:${hashPortalSecret('a@b.example')}`,
    ]);
    expect(published).toEqual([
      { kind: 'portal-sign-in', eventId: 'portal.r1', email: 'a@b.example', locale: 'en' },
    ]);
  });

  it('over the address limit: no event, and no error either', async () => {
    const { deps, published } = fakes({ client: true, address: false });
    await requestSignIn(deps, { email: 'a@b.example', locale: 'de', client: '10.0.0.1' });
    expect(published).toEqual([]);
  });

  it('over the client limit: 429, before the address is even counted', async () => {
    const { deps, counted } = fakes({ client: false, address: true });
    await expect(
      requestSignIn(deps, { email: 'a@b.example', locale: 'de', client: '10.0.0.1' }),
    ).rejects.toMatchObject({ status: 429 });
    expect(counted).toHaveLength(1);
  });
});

describe('sessions', () => {
  it('stores only hashes, and proves the address', async () => {
    const stored: string[] = [];
    const proven: string[] = [];
    const session = await startPortalSession(
      {
        signIns: {
          saveCode: () => Promise.resolve(),
          redeemCode: (hash) =>
            Promise.resolve(hash === hashPortalSecret('the-code') ? 'a@b.example' : undefined),
        },
        sessions: {
          createSession: (hash) => Promise.resolve(void stored.push(hash)),
          findSession: () => Promise.resolve(undefined),
          endSession: () => Promise.resolve(),
        },
        clock: { now: () => new Date('2026-03-01T10:00:00Z') },
        addressProven: (email) => Promise.resolve(void proven.push(email)),
      },
      'the-code',
    );
    expect(session.expiresAt).toBe('2026-03-01T18:00:00.000Z');
    expect(session.sessionToken).toMatch(/^sdp_[A-Za-z0-9_-]{43}$/);
    expect(stored).toEqual([hashPortalSecret(session.sessionToken)]);
    expect(proven).toEqual(['a@b.example']);
  });
});
