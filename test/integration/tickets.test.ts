import { describe, expect, it } from 'vitest';
import { useStack } from './harness';

const FORM = {
  name: 'Jürgen Weiß',
  email: 'Juergen.Weiss@Example.org',
  subject: 'Lizenzserver startet nicht',
  description: 'Fehlermeldung „Port belegt“.',
  severity: 'high',
};

describe('web intake and the customer view', () => {
  const { api, tokens } = useStack({ agent: { sub: 'alice', groups: ['agents'] } });

  it('answers a submission with 201 and the ticket, and puts it in the queue', async () => {
    const response = await api.request('POST', '/tickets', { body: FORM });
    expect(response.status).toBe(201);
    const body = response.json;
    expect(body).toMatchObject({ status: 'open', group: 'standard', severity: 'high' });
    expect(body.ticketId).toMatch(/^T-\d+$/);
    expect(body.accessToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(new Date(String(body.receivedAt)).toISOString()).toBe(body.receivedAt);
    expect(response.headers.get('location')).toBe(`/tickets/${String(body.ticketId)}`);
    const queue = await api.queue(tokens.agent);
    expect(queue.map((t) => t.ticketId)).toContain(body.ticketId);
  });

  it('defaults severity to normal and locale to German', async () => {
    const { severity: _severity, ...withoutSeverity } = FORM;
    const ticket = await api.submit(withoutSeverity);
    expect(ticket.severity).toBe('normal');
    const read = await api.request('GET', `/tickets/${ticket.ticketId}`, { token: tokens.agent });
    expect(read.json.locale).toBe('de');
    expect(read.json.requester).toEqual({ name: FORM.name, email: 'juergen.weiss@example.org' });
  });

  it('shows a ticket to its customer by access token, to nobody else', async () => {
    const mine = await api.submit(FORM);
    const other = await api.submit({ ...FORM, email: 'someone@else.example' });
    const read = await api.request('GET', `/tickets/${mine.ticketId}`, {
      headers: { 'x-ticket-token': mine.accessToken },
    });
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({
      ticketId: mine.ticketId,
      subject: FORM.subject,
      status: 'open',
    });
    const crossed = await api.request('GET', `/tickets/${other.ticketId}`, {
      headers: { 'x-ticket-token': mine.accessToken },
    });
    expect(crossed.status).toBe(404);
    expect((await api.request('GET', `/tickets/${mine.ticketId}`)).status).toBe(401);
  });

  it('hands out unique ticket numbers under concurrent submissions', async () => {
    const tickets = await Promise.all(Array.from({ length: 40 }, () => api.submit(FORM)));
    expect(new Set(tickets.map((t) => t.ticketId)).size).toBe(40);
  });

  it('returns the same ticket for a retried submission with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'form-7f3a9c' };
    const first = await api.request('POST', '/tickets', { body: FORM, headers });
    const again = await api.request('POST', '/tickets', { body: FORM, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const queue = await api.queue(tokens.agent);
    expect(queue.filter((t) => t.ticketId === first.json.ticketId)).toHaveLength(1);

    const different = await api.request('POST', '/tickets', {
      body: { ...FORM, subject: 'Etwas anderes' },
      headers,
    });
    expect(different.status).toBe(422);
  });

  it('makes one ticket from 12 concurrent retries with one Idempotency-Key', async () => {
    const before = (await api.queue(tokens.agent)).length;
    const headers = { 'idempotency-key': 'burst-1' };
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => api.request('POST', '/tickets', { body: FORM, headers })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(new Set(responses.map((r) => r.json.ticketId)).size).toBe(1);
    expect(new Set(responses.map((r) => r.json.accessToken)).size).toBe(1);
    expect((await api.queue(tokens.agent)).length).toBe(before + 1);
  });

  it('takes the form posted without JavaScript and answers with a page', async () => {
    const form = new URLSearchParams({
      locale: 'en',
      name: 'Zoë <Admin>',
      email: 'zoe@example.org',
      subject: 'Printer',
      description: 'It does not print.\nAt all.',
      severity: 'low',
    });
    const response = await api.request('POST', '/tickets', {
      rawBody: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toContain('text/html');
    const ticketId = /T-\d+/.exec(response.text)?.[0];
    const token = /token=([\w-]+)/.exec(response.text)?.[1];
    expect(ticketId).toBeDefined();
    expect(response.text).toContain('lang="en"');
    expect(response.text).not.toContain('<script');
    const read = await api.request('GET', `/tickets/${ticketId}`, {
      headers: { 'x-ticket-token': String(token) },
    });
    expect(read.json).toMatchObject({ subject: 'Printer', severity: 'low', channel: 'web' });
    const agentView = await api.request('GET', `/tickets/${ticketId}`, { token: tokens.agent });
    expect(agentView.json.requester).toMatchObject({ name: 'Zoë <Admin>' });

    const invalid = await api.request('POST', '/tickets', {
      rawBody: new URLSearchParams({
        name: '<b>x</b>',
        email: 'nope',
        subject: '',
        description: 'x',
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toContain('text/html');
    expect(invalid.text).toContain('email');
    expect(invalid.text).toContain('lang="de"');
    // A form post is only accepted where the route table allows it.
    const elsewhere = await api.request('POST', `/tickets/${ticketId}/messages`, {
      rawBody: 'body=hi',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-ticket-token': String(token),
      },
    });
    expect(elsewhere.status).toBe(415);
  });

  it('reports readiness', async () => {
    const health = await api.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ status: 'ok' });
  });
});
