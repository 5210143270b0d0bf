import { describe, expect, it } from 'vitest';
import { useStack } from './harness';

/** `GET /tickets?assignee=me`: an agent's tickets in hand, from the assignee index. */
describe('my tickets', () => {
  const { api, tokens } = useStack({ alice: ['agents'], bob: ['agents'] });

  interface HeldItem {
    ticketId: string;
    status: string;
  }
  const mine = async (token: string, query = 'assignee=me') => {
    const response = await api.request('GET', `/tickets?${query}`, { token });
    const items = (response.json.items ?? []) as HeldItem[];
    return { ...response, items, nextCursor: response.json.nextCursor };
  };
  const ids = (response: { items: HeldItem[] }) => response.items.map((t) => t.ticketId);
  const claim = async (token: string) =>
    String((await api.request('POST', '/queue/claim', { token })).json.ticketId);
  const setStatus = (token: string, ticketId: string, status: string) =>
    api.request('PATCH', `/tickets/${ticketId}`, { token, body: { status } });

  it('lists the caller’s tickets in progress or waiting, most recently changed first', async () => {
    for (let i = 0; i < 5; i++) await api.submit({ subject: `Mine ${i}` });
    const first = await claim(tokens.alice);
    const second = await claim(tokens.alice);
    const bobs = await claim(tokens.bob);
    const third = await claim(tokens.alice);

    const listed = await mine(tokens.alice);
    expect(listed.status).toBe(200);
    expect(ids(listed)).toEqual([third, second, first]);
    expect(listed.items[0]).toMatchObject({
      ticketId: third,
      status: 'in_progress',
      group: 'standard',
      severity: 'normal',
      subject: expect.stringMatching(/^Mine /),
    });
    expect(listed.nextCursor).toBeNull();
    expect(ids(await mine(tokens.bob))).toEqual([bobs]);

    // Waiting for the customer is still in hand, and now the latest change.
    expect((await setStatus(tokens.alice, first, 'waiting_customer')).status).toBe(200);
    // Resolved and released tickets are no longer in hand.
    expect((await setStatus(tokens.alice, second, 'resolved')).status).toBe(200);
    const release = await api.request('POST', `/tickets/${third}/release`, { token: tokens.alice });
    expect(release.status).toBe(200);

    const after = await mine(tokens.alice);
    expect(ids(after)).toEqual([first]);
    expect(after.items[0]?.status).toBe('waiting_customer');
  });

  it('pages with a cursor that only its own agent can use', async () => {
    for (let i = 0; i < 3; i++) await api.submit({ subject: `Paged ${i}` });
    const claimed = [await claim(tokens.bob), await claim(tokens.bob), await claim(tokens.bob)];
    const all = ids(await mine(tokens.bob));

    const page1 = await mine(tokens.bob, 'assignee=me&limit=2');
    expect(page1.items).toHaveLength(2);
    const cursor = String(page1.nextCursor);
    const page2 = await mine(
      tokens.bob,
      `assignee=me&limit=2&cursor=${encodeURIComponent(cursor)}`,
    );
    expect([...ids(page1), ...ids(page2)]).toEqual(all);
    expect(all).toEqual(expect.arrayContaining(claimed));

    const foreign = await mine(
      tokens.alice,
      `assignee=me&limit=2&cursor=${encodeURIComponent(cursor)}`,
    );
    expect(foreign.status).toBe(400);
    expect(JSON.stringify(foreign.json)).toContain('query.cursor');
  });

  it('refuses what it cannot answer, with a clear 4xx', async () => {
    const finance = await api.token('fiona', ['finance']);
    expect((await mine(tokens.alice, '')).status).toBe(400);
    expect((await mine(tokens.alice, 'assignee=bob')).status).toBe(400);
    expect((await mine(tokens.alice, 'assignee=me&limit=0')).status).toBe(400);
    expect((await mine(tokens.alice, 'assignee=me&cursor=bm90LWpzb24')).status).toBe(400);
    expect((await api.request('GET', '/tickets?assignee=me')).status).toBe(401);
    expect((await mine(finance)).status).toBe(403);
  });
});
