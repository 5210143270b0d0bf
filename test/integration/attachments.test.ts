import { describe, expect, it } from 'vitest';
import { useStack } from './harness';

describe('files on a ticket', () => {
  const { api, tokens } = useStack({ agent: { sub: 'alice', groups: ['agents'] } });

  const upload = (ticketId: string, body: unknown, headers: Record<string, string>) =>
    api.request('POST', `/tickets/${ticketId}/attachments`, { body, headers });

  it('lets the customer add a file and both sides download it', async () => {
    const ticket = await api.submit();
    const content = Buffer.from('Fehlerprotokoll\nZeile 2 – äöü\n');
    const customer = { 'x-ticket-token': ticket.accessToken };
    const added = await upload(
      ticket.ticketId,
      {
        filename: 'fehler log.txt',
        contentType: 'text/plain',
        contentBase64: content.toString('base64'),
      },
      customer,
    );
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ filename: 'fehler log.txt', size: content.length });
    const key = String(added.json.key);
    expect(key.startsWith(`attachments/${ticket.ticketId}/`)).toBe(true);

    // The same file again is stored once.
    await upload(
      ticket.ticketId,
      {
        filename: 'fehler log.txt',
        contentType: 'text/plain',
        contentBase64: content.toString('base64'),
      },
      customer,
    );
    const view = await api.request('GET', `/tickets/${ticket.ticketId}`, { headers: customer });
    expect(view.json.attachments).toEqual([added.json]);

    for (const headers of [customer, { authorization: `Bearer ${tokens.agent}` }]) {
      const link = await fetch(
        `${api.stack.apiUrl}/tickets/${ticket.ticketId}/attachments?key=${encodeURIComponent(key)}`,
        { headers, redirect: 'manual' },
      );
      expect(link.status).toBe(303);
      const file = await fetch(String(link.headers.get('location')));
      expect(Buffer.from(await file.arrayBuffer()).equals(content)).toBe(true);
    }
    const json = await api.request(
      'GET',
      `/tickets/${ticket.ticketId}/attachments?key=${encodeURIComponent(key)}&format=json`,
      { headers: customer },
    );
    expect(json.status).toBe(200);
    const viaJson = await fetch(String(json.json.url));
    expect(Buffer.from(await viaJson.arrayBuffer()).equals(content)).toBe(true);
  });

  it('refuses strangers, bad input, unknown keys and files over the limit, storing nothing', async () => {
    const ticket = await api.submit();
    const other = await api.submit();
    const body = { filename: 'a.txt', contentBase64: Buffer.from('x').toString('base64') };
    expect(
      (await upload(ticket.ticketId, body, { 'x-ticket-token': other.accessToken })).status,
    ).toBe(404);
    expect((await upload(ticket.ticketId, body, {})).status).toBe(401);
    const bad = await upload(
      ticket.ticketId,
      { filename: '', contentBase64: '%%%' },
      { 'x-ticket-token': ticket.accessToken },
    );
    expect(bad.status).toBe(400);
    const fields = (bad.json.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.filename', 'body.contentBase64']));
    const big = await upload(
      ticket.ticketId,
      { filename: 'big.bin', contentBase64: Buffer.alloc(4 * 1024 * 1024 + 1).toString('base64') },
      { 'x-ticket-token': ticket.accessToken },
    );
    expect(big.status).toBe(413);
    const unknown = await api.request(
      'GET',
      `/tickets/${ticket.ticketId}/attachments?key=${encodeURIComponent(`attachments/${other.ticketId}/x`)}`,
      { token: tokens.agent },
    );
    expect(unknown.status).toBe(404);
    const view = await api.request('GET', `/tickets/${ticket.ticketId}`, { token: tokens.agent });
    expect(view.json.attachments ?? []).toEqual([]);
  });
});
