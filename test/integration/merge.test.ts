import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createTransport, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestStack } from './harness';

const SUPPORT = 'support@servicedesk.test';

interface Rec {
  at: string;
  actor: string;
  action: string;
  from?: string;
  to?: string;
  ref?: string;
}

interface Message {
  messageId: string;
  author: { kind: string; name: string; email?: string };
  body: string;
  internal: boolean;
  unverified?: boolean;
}

/**
 * Merging a duplicate ticket into another (SPEC §13, issue 15): through HTTP and SMTP
 * against the local stack, with the hostile cases answered by a 4xx that changes nothing.
 */
describe('ticket merge', () => {
  let api: TestStack;
  let alice: string;
  let bob: string;
  let admin: string;
  let smtp: Transporter;
  let sqs: SQSClient;

  beforeAll(async () => {
    api = await TestStack.start();
    alice = await api.token('alice', ['agents']);
    bob = await api.token('bob', ['agents']);
    admin = await api.token('root', ['agents', 'admins']);
    smtp = createTransport({
      host: '127.0.0.1',
      port: api.stack.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    sqs = new SQSClient({
      endpoint: api.stack.sqsEndpoint,
      region: 'eu-central-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    smtp?.close();
    sqs?.destroy();
    await api?.stop();
  });

  async function history(ticketId: string): Promise<Rec[]> {
    const page = await api.request('GET', `/tickets/${ticketId}/history?limit=100`, {
      token: alice,
    });
    expect(page.status, page.text).toBe(200);
    return page.json.items as Rec[];
  }

  async function agentView(ticketId: string): Promise<Record<string, unknown>> {
    const response = await api.request('GET', `/tickets/${ticketId}`, { token: alice });
    expect(response.status, response.text).toBe(200);
    return response.json;
  }

  const merge = (source: string, into: string, token = alice) =>
    api.request('POST', `/tickets/${source}/merge`, { token, body: { intoTicketId: into } });

  /** Everything a hostile request must leave as it was. */
  async function snapshot(...ids: string[]) {
    // The acknowledgements are mailed meanwhile: what the mailer adds is no change of ours.
    await api.outboxIdle();
    return Promise.all(
      ids.map(async (id) => {
        const view = await agentView(id);
        return { view, history: await history(id) };
      }),
    );
  }

  async function intakeIdle(): Promise<void> {
    let quiet = 0;
    const deadline = Date.now() + 30_000;
    while (quiet < 3) {
      if (Date.now() > deadline) throw new Error('the intake queue did not drain');
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: api.stack.intake.url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      const busy =
        Number(Attributes.ApproximateNumberOfMessages) +
        Number(Attributes.ApproximateNumberOfMessagesNotVisible);
      quiet = busy === 0 ? quiet + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('closes the duplicate into the other: queue, history, note, customer view, work stay', async () => {
    // Earlier tests' tickets are taken, so the queue is ours.
    while ((await api.request('POST', '/queue/claim', { token: bob })).status === 200);
    const target = await api.submit({ email: 'dup@example.org', subject: 'Printer' });
    const source = await api.submit({ email: 'dup@example.org', subject: 'Printer again' });
    const later = await api.submit({ email: 'later@example.org' });
    const work = await api.request('POST', `/tickets/${source.ticketId}/work`, {
      token: alice,
      body: { minutes: 15, serviceCode: 'REMOTE', description: 'looked at it' },
    });
    expect(work.status, work.text).toBe(201);

    const merged = await merge(source.ticketId, target.ticketId);
    expect(merged.status, merged.text).toBe(200);
    const mergedSource = merged.json.source as Record<string, unknown>;
    expect(mergedSource.status).toBe('closed');
    expect(mergedSource.mergedInto).toMatchObject({ ticketId: target.ticketId, by: 'alice' });
    expect((merged.json.target as Record<string, unknown>).ticketId).toBe(target.ticketId);

    // Out of the queue, and the counters behind the positions still exact.
    const queue = await api.queue(alice);
    expect(queue.map((t) => t.ticketId)).toEqual([target.ticketId, later.ticketId]);
    const laterView = await api.request('GET', `/tickets/${later.ticketId}`, {
      headers: { 'x-ticket-token': later.accessToken },
    });
    expect((laterView.json.queue as Record<string, unknown>).position).toBe(2);

    // One merge record on each; the target's rides in its note, which names the source.
    const sourceRecords = await history(source.ticketId);
    expect(sourceRecords.at(-1)).toMatchObject({
      actor: 'alice',
      action: 'merge',
      from: source.ticketId,
      to: target.ticketId,
    });
    expect(sourceRecords.filter((r) => r.action === 'status')).toEqual([]);
    const targetRecords = await history(target.ticketId);
    expect(targetRecords.map((r) => r.action)).toEqual(['created', 'merge']);
    const targetView = await agentView(target.ticketId);
    const notes = (targetView.messages as Message[]).filter((m) => m.internal);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.body).toContain(source.ticketId);
    expect(targetRecords[1]?.ref).toBe(notes[0]?.messageId);

    // Work stays where it was billed.
    const sourceView = await agentView(source.ticketId);
    expect(sourceView.workEntries).toHaveLength(1);
    expect(targetView.workEntries).toEqual([]);

    // The requester still reads the source with its token and sees where it went.
    const customer = await api.request('GET', `/tickets/${source.ticketId}`, {
      headers: { 'x-ticket-token': source.accessToken },
    });
    expect(customer.status).toBe(200);
    expect(customer.json).toMatchObject({ status: 'closed', mergedInto: target.ticketId });
  });

  it("lands the source's later replies on the target: web as the customer, strangers as a note", async () => {
    const target = await api.submit({ email: 'owner@example.org' });
    const same = await api.submit({ email: 'owner@example.org' });
    const stranger = await api.submit({ email: 'stranger@elsewhere.example' });
    const resolved = await api.request('PATCH', `/tickets/${target.ticketId}`, {
      token: alice,
      body: { status: 'resolved' },
    });
    expect(resolved.status).toBe(200);
    expect((await merge(same.ticketId, target.ticketId)).status).toBe(200);
    expect((await merge(stranger.ticketId, target.ticketId)).status).toBe(200);

    const reply = await api.request('POST', `/tickets/${same.ticketId}/messages`, {
      headers: { 'x-ticket-token': same.accessToken },
      body: { body: 'Still broken' },
    });
    expect(reply.status, reply.text).toBe(201);
    expect(reply.json).toMatchObject({ addedTo: target.ticketId, internal: false });
    // A customer's reply reopens the target like any reply.
    expect((await agentView(target.ticketId)).status).toBe('open');

    const foreign = await api.request('POST', `/tickets/${stranger.ticketId}/messages`, {
      headers: { 'x-ticket-token': stranger.accessToken },
      body: { body: 'Secret of another company' },
    });
    expect(foreign.status, foreign.text).toBe(201);
    expect(foreign.json).toMatchObject({ addedTo: target.ticketId, internal: true });
    expect(foreign.json.ticketStatus).toBe('closed');

    // The target's customer sees their own people's words, never the stranger's.
    const customer = await api.request('GET', `/tickets/${target.ticketId}`, {
      headers: { 'x-ticket-token': target.accessToken },
    });
    const bodies = (customer.json.messages as Message[]).map((m) => m.body);
    expect(bodies).toContain('Still broken');
    expect(bodies.join('\n')).not.toContain('Secret of another company');
    const agentMessages = (await agentView(target.ticketId)).messages as Message[];
    expect(agentMessages.find((m) => m.body.includes('Secret of another company'))).toMatchObject({
      internal: true,
      unverified: true,
    });
    // Nothing was added to the closed source itself.
    const sourceMessages = (await agentView(same.ticketId)).messages as Message[];
    expect(sourceMessages.some((m) => m.body === 'Still broken')).toBe(false);
  });

  it('lands a mail naming the source on the target, under the target’s trust rules', async () => {
    const target = await api.submit({ email: 'mailer@example.org' });
    const source = await api.submit({ email: 'mailer@example.org' });
    const foreign = await api.submit({ email: 'other@elsewhere.example' });
    expect((await merge(source.ticketId, target.ticketId)).status).toBe(200);
    expect((await merge(foreign.ticketId, target.ticketId)).status).toBe(200);
    const send = async (from: string, ticketId: string, text: string) => {
      await smtp.sendMail({
        from,
        to: SUPPORT,
        envelope: { from, to: [SUPPORT] },
        subject: `Re: [${ticketId}] problem`,
        messageId: `<${randomUUID()}@mail.example>`,
        text,
      });
      await intakeIdle();
    };
    await send('mailer@example.org', source.ticketId, 'reply by mail to the merged one');
    await send('other@elsewhere.example', foreign.ticketId, 'foreign words by mail');

    const messages = (await agentView(target.ticketId)).messages as Message[];
    expect(messages.find((m) => m.body.includes('reply by mail to the merged one'))).toMatchObject({
      internal: false,
      author: { kind: 'customer', email: 'mailer@example.org' },
    });
    expect(messages.find((m) => m.body.includes('foreign words by mail'))).toMatchObject({
      internal: true,
      unverified: true,
    });
    for (const id of [source.ticketId, foreign.ticketId]) {
      const own = (await agentView(id)).messages as Message[];
      expect(own.some((m) => m.body.includes('by mail'))).toBe(false);
    }
  });

  it('refuses itself, unknown ids, closed and merged tickets, cycles and replays, changing nothing', async () => {
    const a = await api.submit({ email: 'h-a@example.org' });
    const b = await api.submit({ email: 'h-b@example.org' });
    const closed = await api.submit({ email: 'h-c@example.org' });
    for (const status of ['resolved', 'closed']) {
      const r = await api.request('PATCH', `/tickets/${closed.ticketId}`, {
        token: alice,
        body: { status },
      });
      expect(r.status).toBe(200);
    }
    const before = await snapshot(a.ticketId, b.ticketId, closed.ticketId);
    const cases: [Promise<{ status: number; text: string }>, number][] = [
      [merge(a.ticketId, a.ticketId), 400],
      [merge(a.ticketId, 'T-99999999'), 404],
      [merge('T-99999999', a.ticketId), 404],
      [merge(a.ticketId, closed.ticketId), 409],
      [merge(closed.ticketId, a.ticketId), 409],
      [
        api.request('POST', `/tickets/${a.ticketId}/merge`, {
          token: alice,
          body: { intoTicketId: b.ticketId, extra: 1 },
        }),
        400,
      ],
      [
        api.request('POST', `/tickets/${a.ticketId}/merge`, {
          token: alice,
          body: { intoTicketId: 'T-1; DROP' },
        }),
        400,
      ],
      [
        api.request('POST', `/tickets/${a.ticketId}/merge`, {
          headers: { 'x-ticket-token': a.accessToken },
          body: { intoTicketId: b.ticketId },
        }),
        401,
      ],
      [merge(a.ticketId, b.ticketId, await api.token('fin', ['finance'])), 403],
    ];
    for (const [request, status] of cases) {
      const response = await request;
      expect(response.status, response.text).toBe(status);
      expect(response.text).toContain('"detail"');
    }
    expect(await snapshot(a.ticketId, b.ticketId, closed.ticketId)).toEqual(before);

    // Merged once; the replay, the way back (a cycle) and a merge into it are refused.
    expect((await merge(a.ticketId, b.ticketId)).status).toBe(200);
    const c = await api.submit({ email: 'h-d@example.org' });
    const after = await snapshot(a.ticketId, b.ticketId, c.ticketId);
    for (const [source, into] of [
      [a.ticketId, b.ticketId],
      [b.ticketId, a.ticketId],
      [c.ticketId, a.ticketId],
      [a.ticketId, c.ticketId],
    ] as const) {
      const response = await merge(source, into);
      expect(response.status, response.text).toBe(409);
    }
    expect(await snapshot(a.ticketId, b.ticketId, c.ticketId)).toEqual(after);
  });

  it('lets only the holder or an admin merge a held ticket (403 for others)', async () => {
    const held = await api.submit({ email: 'held@example.org' });
    const target = await api.submit({ email: 'held@example.org' });
    const take = await api.request('PATCH', `/tickets/${held.ticketId}`, {
      token: bob,
      body: { status: 'in_progress' },
    });
    expect(take.status).toBe(200);
    const before = await snapshot(held.ticketId, target.ticketId);
    const refused = await merge(held.ticketId, target.ticketId, alice);
    expect(refused.status, refused.text).toBe(403);
    expect(await snapshot(held.ticketId, target.ticketId)).toEqual(before);
    const byAdmin = await merge(held.ticketId, target.ticketId, admin);
    expect(byAdmin.status, byAdmin.text).toBe(200);
    expect((byAdmin.json.source as Record<string, unknown>).assignee).toBeUndefined();
  });

  it('never lets concurrent merges make a cycle, a second note or a second record', async () => {
    for (let round = 0; round < 6; round++) {
      const a = await api.submit({ email: `race-a${round}@example.org` });
      const b = await api.submit({ email: `race-b${round}@example.org` });
      const responses = await Promise.all([
        merge(a.ticketId, b.ticketId, alice),
        merge(b.ticketId, a.ticketId, bob),
        merge(a.ticketId, b.ticketId, admin),
      ]);
      for (const response of responses) expect([200, 409]).toContain(response.status);
      const [va, vb] = [await agentView(a.ticketId), await agentView(b.ticketId)];
      expect(va.mergedInto !== undefined && vb.mergedInto !== undefined).toBe(false);
      const mergedOne = va.mergedInto ? [a, b] : vb.mergedInto ? [b, a] : undefined;
      const successes = responses.filter((r) => r.status === 200).length;
      expect(successes).toBe(mergedOne ? 1 : 0);
      if (!mergedOne) continue;
      const [source, target] = mergedOne as [typeof a, typeof b];
      const merges = async (id: string) => (await history(id)).filter((r) => r.action === 'merge');
      expect(await merges(source.ticketId)).toHaveLength(1);
      expect(await merges(target.ticketId)).toHaveLength(1);
      const notes = ((await agentView(target.ticketId)).messages as Message[]).filter(
        (m) => m.internal,
      );
      expect(notes).toHaveLength(1);
    }
  });
});
