import { beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../functions/domain/request-signature';
import { useStack } from './harness';

describe('the hotline voicemail hook', () => {
  const { api, tokens } = useStack({ agent: { sub: 'alice', groups: ['agents'] } });

  beforeAll(async () => {
    const admin = await api.token('root', ['admins']);
    const customer = await api.request('PUT', '/customers/acme', {
      token: admin,
      body: {
        name: 'ACME GmbH',
        domains: ['acme.example'],
        contacts: [{ email: 'it@acme.example', name: 'Ida Technik', phone: '+49 (30) 555-0101' }],
        contract: { id: 'SV-1', validFrom: '2020-01-01', includedMinutesPerMonth: 60 },
      },
    });
    expect(customer.status).toBe(201);
  });

  const post = (body: string, headers: Record<string, string>) =>
    api.request('POST', '/intake/voicemail', {
      rawBody: body,
      headers: { 'content-type': 'application/json', ...headers },
    });
  const signed = (body: string, timestamp = Math.floor(Date.now() / 1000)) => ({
    'x-servicedesk-timestamp': String(timestamp),
    'x-servicedesk-signature': signRequest(api.stack.voicemailSecret, timestamp, body),
  });

  it('makes a phone ticket for a known caller, in the contract group, and acknowledges it by mail', async () => {
    const body = JSON.stringify({
      callerNumber: '0049 30 5550101',
      calledAt: '2026-11-27T08:15:00+01:00',
      recordingUrl: 'https://pbx.example/recordings/4711.wav',
      transcript: 'Hier ist Ida von ACME, unser Server startet nicht.',
    });
    const response = await post(body, signed(body));
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({
      channel: 'phone',
      group: 'contract',
      customer: { id: 'acme', name: 'ACME GmbH' },
    });
    const ticketId = String(response.json.ticketId);
    const view = await api.request('GET', `/tickets/${ticketId}`, { token: tokens.agent });
    expect(view.json.requester).toMatchObject({ name: 'Ida Technik', email: 'it@acme.example' });
    expect(String(view.json.description)).toContain('unser Server startet nicht');
    expect(String(view.json.description)).toContain('https://pbx.example/recordings/4711.wav');
    const acks = await api.mailTo((m) => m.subject.startsWith(`[${ticketId}]`));
    expect(acks).toHaveLength(1);

    // The same request replayed, and a retry signed anew later, make no second ticket.
    const headers = signed(body);
    for (const retry of [
      headers,
      headers,
      signed(body, Number(headers['x-servicedesk-timestamp']) + 7),
    ]) {
      const again = await post(body, retry);
      expect(again.status).toBe(200);
      expect(again.json.ticketId).toBe(ticketId);
    }
    expect(await api.mailTo((m) => m.subject.startsWith(`[${ticketId}]`))).toHaveLength(1);
  });

  it('makes a ticket for an unknown caller without acknowledgement mail', async () => {
    const body = JSON.stringify({
      callerNumber: '+44 20 7946 0000',
      calledAt: '2026-11-27T09:00:00Z',
    });
    const response = await post(body, signed(body));
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ group: 'standard', customer: null });
    const view = await api.request('GET', `/tickets/${String(response.json.ticketId)}`, {
      token: tokens.agent,
    });
    expect(view.json.requester).toEqual({ name: '+44 20 7946 0000', phone: '+44 20 7946 0000' });
    expect(
      await api.mailTo((m) => m.subject.startsWith(`[${String(response.json.ticketId)}]`)),
    ).toEqual([]);
  });

  it('refuses unsigned, forged, stale and replayed-with-other-body requests with 401, storing nothing', async () => {
    const before = (await api.queue(tokens.agent)).length;
    const body = JSON.stringify({ callerNumber: '+49 30 1', calledAt: '2026-11-27T09:00:00Z' });
    const other = JSON.stringify({ callerNumber: '+49 30 2', calledAt: '2026-11-27T09:00:00Z' });
    const old = Math.floor(Date.now() / 1000) - 3600;
    for (const headers of <Record<string, string>[]>[
      {},
      { 'x-servicedesk-timestamp': String(Math.floor(Date.now() / 1000)) },
      { ...signed(body), 'x-servicedesk-signature': 'sha256=' + '0'.repeat(64) },
      signed(body, old),
      signed(other),
      { ...signed(body), 'x-servicedesk-timestamp': 'yesterday' },
    ]) {
      const response = await post(body, headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await api.queue(tokens.agent)).length).toBe(before);
  });

  it('answers a signed but malformed report with 400 naming the field', async () => {
    const body = JSON.stringify({ callerNumber: 'call me', calledAt: 'gestern' });
    const response = await post(body, signed(body));
    expect(response.status).toBe(400);
    const fields = (response.json.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.callerNumber', 'body.calledAt']));
  });
});
