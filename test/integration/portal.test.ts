import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/dynamodb';
import { backfillPortalKeys } from '../../functions/adapters/portal-backfill';
import { dependencies } from '../../functions/shared/dependencies';
import { OPEN_CONTRACT, TestStack, type SentMailInStore } from './harness';

/**
 * The customer portal through HTTP (SPEC §11): sign-in by a one-time link read from the SES
 * stand-in, sessions, isolation between customers on every portal route, codes that work
 * once and expire, no hint whether an address is known, and no confusion between portal
 * sessions and staff tokens.
 */
describe('customer portal', () => {
  let api: TestStack;
  let agent: string;
  let admin: string;
  const tickets: Record<string, string> = {};
  const accessTokens: Record<string, string> = {};
  const savedEnv = process.env.PORTAL_SIGN_IN_LIMIT_CLIENT;

  /** The clock every handler of this process reads (the composition root's one clock). */
  const clock = () => dependencies().clock;
  const realNow = () => new Date();

  beforeAll(async () => {
    // The tests sign in many times from one client address; the limit itself is tried below.
    process.env.PORTAL_SIGN_IN_LIMIT_CLIENT = '60';
    api = await TestStack.start();
    agent = await api.token('alice', ['agents']);
    admin = await api.token('root', ['admins']);
    const put = async (id: string, body: unknown) => {
      const response = await api.request('PUT', `/customers/${id}`, { token: admin, body });
      expect(response.status).toBe(201);
    };
    await put('acme', {
      name: 'ACME GmbH',
      domains: ['acme.example'],
      contacts: [
        { email: 'it@acme.example', name: 'Ida Itlerin' },
        { email: 'solo@acme.example', name: 'Solo Selbst', ownTicketsOnly: true },
      ],
      contract: OPEN_CONTRACT,
    });
    await put('beta', {
      name: 'Beta AG',
      domains: ['beta.example'],
      contacts: ['boss@beta.example', 'enum@beta.example'],
    });
    const file = async (key: string, email: string, subject: string) => {
      const ticket = await api.submit({ name: key, email, subject });
      tickets[key] = ticket.ticketId;
      accessTokens[key] = ticket.accessToken;
    };
    await file('anna', 'anna@acme.example', 'Anna: VPN');
    await file('ida', 'it@acme.example', 'Ida: Drucker');
    await file('solo', 'solo@acme.example', 'Solo: Passwort');
    await file('bob', 'bob@beta.example', 'Bob: Backup');
    await file('lonely', 'lonely@private.example', 'Lonely: Frage');
    await api.outboxIdle();
  });
  afterAll(async () => {
    if (savedEnv === undefined) delete process.env.PORTAL_SIGN_IN_LIMIT_CLIENT;
    else process.env.PORTAL_SIGN_IN_LIMIT_CLIENT = savedEnv;
    clock().now = realNow;
    await api?.stop();
  });

  const signInMails = async (email: string): Promise<SentMailInStore[]> =>
    api.mailTo(
      (mail) =>
        mail.destination.to.some((to) => to.includes(email)) && /portal/i.test(mail.subject),
    );

  /** Asks for a link and returns the code of the newest sign-in mail to the address. */
  async function requestCode(email: string, locale = 'de'): Promise<string> {
    const before = (await signInMails(email)).length;
    const response = await api.request('POST', '/portal/sign-in', { body: { email, locale } });
    expect(response.status).toBe(202);
    const mails = await signInMails(email);
    expect(mails.length).toBe(before + 1);
    const text = mails[mails.length - 1]?.body.text ?? '';
    const code = /portal\.html\?code=([A-Za-z0-9_-]+)/.exec(text)?.[1];
    if (!code) throw new Error(`no code in the mail: ${text}`);
    return code;
  }

  const sessions = new Map<string, string>();
  /** A session for the address, reused across tests (links are limited per address and hour). */
  async function signIn(email: string): Promise<string> {
    const known = sessions.get(email);
    if (known) return known;
    const token = await freshSession(email);
    sessions.set(email, token);
    return token;
  }

  async function freshSession(email: string): Promise<string> {
    const code = await requestCode(email);
    const response = await api.request('POST', '/portal/session', { body: { code } });
    expect(response.status).toBe(201);
    const token = response.json.sessionToken as string;
    expect(token).toMatch(/^sdp_/);
    return token;
  }

  const listIds = async (token: string, status = 'all'): Promise<string[]> => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `status=${status}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await api.request('GET', `/portal/tickets?${query}`, { token });
      expect(page.status).toBe(200);
      ids.push(...(page.json.items as { ticketId: string }[]).map((item) => item.ticketId));
      cursor = page.json.nextCursor as string | null;
    } while (cursor);
    return ids;
  };

  it('mails a one-time link in German or English, and a session works for 8 hours', async () => {
    await api.request('POST', '/portal/sign-in', {
      body: { email: 'IT@ACME.example', locale: 'en-GB' },
    });
    const [mail] = (await signInMails('it@acme.example')).slice(-1);
    expect(mail?.subject).toBe('Your sign-in link for the support portal');
    expect(mail?.body.text).toMatch(/portal\.html\?code=[A-Za-z0-9_-]{40,}&lang=en/);
    expect(mail?.body.text).toContain('15 minutes');

    const code = await requestCode('it@acme.example');
    const [german] = (await signInMails('it@acme.example')).slice(-1);
    expect(german?.subject).toBe('Ihr Anmeldelink für das Support-Portal');
    const session = await api.request('POST', '/portal/session', { body: { code } });
    expect(session.status).toBe(201);
    const hours = (Date.parse(session.json.expiresAt as string) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(7.9);
    expect(hours).toBeLessThanOrEqual(8);
    const me = await api.request('GET', '/portal/me', {
      token: session.json.sessionToken as string,
    });
    expect(me.json).toMatchObject({
      email: 'it@acme.example',
      name: 'Ida Itlerin',
      customer: { id: 'acme', name: 'ACME GmbH' },
      ownTicketsOnly: false,
    });
  });

  it('a code works once, also when redeemed twice at the same moment', async () => {
    const code = await requestCode('anna@acme.example');
    const [first, second] = await Promise.all([
      api.request('POST', '/portal/session', { body: { code } }),
      api.request('POST', '/portal/session', { body: { code } }),
    ]);
    expect([first.status, second.status].sort()).toEqual([201, 401]);
    const again = await api.request('POST', '/portal/session', { body: { code } });
    expect(again.status).toBe(401);
    expect(again.json.type).toBe('urn:servicedesk:problem:unauthorized');
  });

  it('a code expires after 15 minutes and a session after 8 hours (injected clock)', async () => {
    const late = await requestCode('anna@acme.example');
    const inTime = await requestCode('anna@acme.example');
    const start = Date.now();
    try {
      clock().now = () => new Date(start + 15 * 60_000 + 1000);
      expect((await api.request('POST', '/portal/session', { body: { code: late } })).status).toBe(
        401,
      );
      clock().now = () => new Date(start + 14 * 60_000);
      const session = await api.request('POST', '/portal/session', { body: { code: inTime } });
      expect(session.status).toBe(201);
      const token = session.json.sessionToken as string;
      clock().now = () => new Date(start + 14 * 60_000 + 8 * 3_600_000 - 5000);
      expect((await api.request('GET', '/portal/tickets', { token })).status).toBe(200);
      clock().now = () => new Date(start + 14 * 60_000 + 8 * 3_600_000 + 1000);
      expect((await api.request('GET', '/portal/tickets', { token })).status).toBe(401);
    } finally {
      clock().now = realNow;
    }
  });

  it('answers known and unknown addresses alike, mails only the known, in similar time', async () => {
    const known = 'enum@beta.example';
    const unknown = 'nobody@nowhere.example';
    const answers: { status: number; text: string; ms: number; known: boolean }[] = [];
    for (let i = 0; i < 16; i++) {
      for (const [email, isKnown] of [
        [known, true],
        [unknown, false],
      ] as const) {
        const started = performance.now();
        const response = await api.request('POST', '/portal/sign-in', { body: { email } });
        answers.push({
          status: response.status,
          text: response.text,
          ms: performance.now() - started,
          known: isKnown,
        });
      }
    }
    expect(new Set(answers.map((a) => `${a.status} ${a.text}`)).size).toBe(1);
    expect(answers[0]?.status).toBe(202);
    // The same code path for both (two counters, one queued event); the comparison is loose
    // because two cores run the whole stack: it catches a lookup on the request path (the
    // known address would then cost DynamoDB reads the unknown does not), not jitter.
    const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1] ?? 0;
    const knownMs = median(answers.filter((a) => a.known).map((a) => a.ms));
    const unknownMs = median(answers.filter((a) => !a.known).map((a) => a.ms));
    expect(Math.abs(knownMs - unknownMs)).toBeLessThan(
      Math.max(30, 0.5 * Math.min(knownMs, unknownMs)),
    );
    await api.outboxIdle();
    expect(await signInMails(unknown)).toEqual([]);
    // Five links per address and hour: the other eleven requests got 202 and no mail.
    expect((await signInMails(known)).length).toBe(5);
    // The five are per mailbox: `+tag` aliases (any case) of it get no more links.
    for (const alias of ['enum+1@beta.example', 'Enum+2@beta.example']) {
      const response = await api.request('POST', '/portal/sign-in', { body: { email: alias } });
      expect(response.status).toBe(202);
    }
    await api.outboxIdle();
    expect(await signInMails('enum+')).toEqual([]);
  });

  it('shows the whole customer to a contact and to an address of its domain, newest first', async () => {
    const ida = await signIn('it@acme.example');
    const acmeIds = [tickets.solo, tickets.ida, tickets.anna];
    expect(await listIds(ida)).toEqual(acmeIds);
    const anna = await signIn('anna@acme.example');
    expect(await listIds(anna)).toEqual(acmeIds);
    expect(await listIds(anna, 'closed')).toEqual([]);
    expect(await listIds(anna, 'open')).toEqual(acmeIds);
    const read = await api.request('GET', `/portal/tickets/${tickets.ida}`, { token: anna });
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({
      ticketId: tickets.ida,
      subject: 'Ida: Drucker',
      requester: { name: 'ida', email: 'it@acme.example' },
    });
  });

  it('shows a contact marked "own tickets only" only their own, and no contract', async () => {
    const solo = await signIn('solo@acme.example');
    expect(await listIds(solo)).toEqual([tickets.solo]);
    expect(
      (await api.request('GET', `/portal/tickets/${tickets.anna}`, { token: solo })).status,
    ).toBe(404);
    expect((await api.request('GET', '/portal/contract', { token: solo })).status).toBe(404);
    const me = await api.request('GET', '/portal/me', { token: solo });
    expect(me.json).toMatchObject({ ownTicketsOnly: true, customer: { id: 'acme' } });
  });

  it('gives a +tag alias of an "own tickets only" contact the same scope: own tickets, no contract', async () => {
    const alias = await signIn('solo+x@acme.example');
    expect(await listIds(alias)).toEqual([tickets.solo]);
    for (const id of [tickets.anna, tickets.ida]) {
      expect((await api.request('GET', `/portal/tickets/${id}`, { token: alias })).status).toBe(
        404,
      );
    }
    expect(
      (await api.request('GET', `/portal/tickets/${tickets.solo}`, { token: alias })).status,
    ).toBe(200);
    expect((await api.request('GET', '/portal/contract', { token: alias })).status).toBe(404);
    const me = await api.request('GET', '/portal/me', { token: alias });
    expect(me.json).toMatchObject({ ownTicketsOnly: true, customer: { id: 'acme' } });
    // A tagged address of a colleague with the whole view keeps the whole view.
    expect(await listIds(await signIn('anna+y@acme.example'))).toEqual([
      tickets.solo,
      tickets.ida,
      tickets.anna,
    ]);
  });

  it('shows a requester without a customer record only their own tickets', async () => {
    const lonely = await signIn('lonely@private.example');
    expect(await listIds(lonely)).toEqual([tickets.lonely]);
    const me = await api.request('GET', '/portal/me', { token: lonely });
    expect(me.json).toMatchObject({ customer: null, ownTicketsOnly: true, name: 'lonely' });
    expect((await api.request('GET', '/portal/contract', { token: lonely })).status).toBe(404);
  });

  it('shows a ticket with its service level and its place in the queue, as its status page does', async () => {
    const ida = await signIn('it@acme.example');
    const lonely = await signIn('lonely@private.example');
    const both = async (key: string, token: string) => {
      const [portal, status] = await Promise.all([
        api.request('GET', `/portal/tickets/${tickets[key]}`, { token }),
        api.request('GET', `/tickets/${tickets[key]}`, {
          headers: { 'x-ticket-token': accessTokens[key] ?? '' },
        }),
      ]);
      expect(portal.status).toBe(200);
      expect(status.status).toBe(200);
      return { portal: portal.json, status: status.json };
    };
    // A contract ticket: its deadlines (SPEC §9) and its place (SPEC §10).
    const anna = await both('anna', ida);
    expect(anna.portal.sla).toMatchObject({ firstResponse: 'pending', resolution: 'pending' });
    expect(anna.portal.sla).toEqual(anna.status.sla);
    expect(anna.portal.queue).toMatchObject({ position: expect.any(Number), aheadStandard: 0 });
    expect(anna.portal.queue).toEqual(anna.status.queue);
    // A standard ticket: its place, behind the contract tickets; no service level.
    const alone = await both('lonely', lonely);
    expect(alone.portal).not.toHaveProperty('sla');
    expect(alone.portal.queue).toEqual(alone.status.queue);
    expect((alone.portal.queue as { aheadContract: number }).aheadContract).toBeGreaterThanOrEqual(
      3,
    );
    // Taken, a ticket has no place; the one behind it moves up. Released, all is as before.
    const claimed = await api.request('POST', '/queue/claim', { token: agent });
    expect(claimed.status).toBe(200);
    const taken = String(claimed.json.ticketId);
    // The oldest contract ticket, Anna's, was next.
    expect(taken).toBe(tickets.anna);
    expect((await both('anna', ida)).portal).not.toHaveProperty('queue');
    const moved = await both('lonely', lonely);
    expect((moved.portal.queue as { position: number }).position).toBe(
      (alone.portal.queue as { position: number }).position - 1,
    );
    const released = await api.request('POST', `/tickets/${taken}/release`, { token: agent });
    expect(released.status).toBe(200);
    expect((await both('lonely', lonely)).portal.queue).toEqual(alone.portal.queue);
  });

  it("keeps customers apart on every portal route: another customer's ticket is a 404 that changes nothing", async () => {
    const bob = await signIn('boss@beta.example');
    const ida = await signIn('it@acme.example');
    expect(await listIds(bob)).toEqual([tickets.bob]);
    const before = await api.request('GET', `/tickets/${tickets.anna}`, { token: agent });
    const foreign = tickets.anna as string;
    const missing = 'T-99999999';
    const attempts = (id: string) => [
      api.request('GET', `/portal/tickets/${id}`, { token: bob }),
      api.request('POST', `/portal/tickets/${id}/messages`, {
        token: bob,
        body: { body: 'Ich bin nicht von ACME' },
      }),
      api.request('POST', `/portal/tickets/${id}/attachments`, {
        token: bob,
        body: { filename: 'x.txt', contentBase64: Buffer.from('x').toString('base64') },
      }),
      api.request('GET', `/portal/tickets/${id}/attachments?key=attachments/${id}/x`, {
        token: bob,
      }),
    ];
    const foreignAnswers = await Promise.all(attempts(foreign));
    const missingAnswers = await Promise.all(attempts(missing));
    for (const [i, answer] of foreignAnswers.entries()) {
      expect(answer.status).toBe(404);
      // Exactly what a ticket that does not exist answers, but for the number itself.
      expect(answer.text.replaceAll(foreign, 'X')).toBe(
        missingAnswers[i]?.text.replaceAll(missing, 'X'),
      );
    }
    const after = await api.request('GET', `/tickets/${tickets.anna}`, { token: agent });
    expect(after.json.messages).toEqual(before.json.messages);
    expect(after.json.attachments).toEqual(before.json.attachments);
    expect(after.json.version).toBe(before.json.version);

    // A cursor handed to ACME is no way into ACME's tickets for Beta.
    const page = await api.request('GET', '/portal/tickets?limit=1', { token: ida });
    const cursor = page.json.nextCursor as string;
    expect(cursor).toBeTruthy();
    const stolen = await api.request(
      'GET',
      `/portal/tickets?limit=1&cursor=${encodeURIComponent(cursor)}`,
      { token: bob },
    );
    expect(stolen.status).toBe(400);
    const contract = await api.request('GET', '/portal/contract', { token: bob });
    expect(contract.status).toBe(200);
    expect(contract.json).toMatchObject({ customer: { id: 'beta' }, contract: null });
  });

  it('never takes a staff token for a portal session, nor a portal session for a staff token', async () => {
    const session = await freshSession('it@acme.example');
    for (const path of ['/portal/tickets', '/portal/me', '/portal/contract']) {
      const response = await api.request('GET', path, { token: agent });
      expect(response.status, path).toBe(401);
    }
    expect(
      (await api.request('GET', `/portal/tickets/${tickets.ida}`, { token: admin })).status,
    ).toBe(401);
    expect((await api.request('GET', '/queue', { token: session })).status).toBe(401);
    expect((await api.request('GET', '/customers/acme', { token: session })).status).toBe(401);
    expect((await api.request('GET', `/tickets/${tickets.ida}`, { token: session })).status).toBe(
      401,
    );
    // Nor as the ticket's own access token.
    const asTicketToken = await api.request('GET', `/tickets/${tickets.ida}`, {
      headers: { 'x-ticket-token': session },
    });
    expect(asTicketToken.status).toBe(404);
    // A made-up token of the right shape is no session either.
    const forged = `sdp_${'A'.repeat(43)}`;
    expect((await api.request('GET', '/portal/tickets', { token: forged })).status).toBe(401);
    expect((await api.request('GET', '/portal/tickets')).status).toBe(401);
    // Signing out ends the session.
    expect((await api.request('DELETE', '/portal/session', { token: session })).status).toBe(204);
    expect((await api.request('GET', '/portal/tickets', { token: session })).status).toBe(401);
  });

  it('files a new ticket without name and address, replies and uploads as the signed-in person', async () => {
    const ida = await signIn('it@acme.example');
    const filed = await api.request('POST', '/portal/tickets', {
      token: ida,
      body: { subject: 'Neuer Laptop', description: 'Bitte einrichten', severity: 'high' },
    });
    expect(filed.status).toBe(201);
    expect(filed.json).toMatchObject({ group: 'contract', severity: 'high', status: 'open' });
    const ticketId = filed.json.ticketId as string;
    expect(filed.headers.get('location')).toBe(`/portal/tickets/${ticketId}`);
    expect((await listIds(ida))[0]).toBe(ticketId);
    const full = await api.request('GET', `/tickets/${ticketId}`, { token: agent });
    expect(full.json.requester).toEqual({ name: 'Ida Itlerin', email: 'it@acme.example' });
    // The portal session proved the address (SPEC §14): the tickets it files are verified.
    expect(full.json.requesterVerified).toBe(true);
    expect(full.json.requesterVerifiedBy).toBe('portal');
    const acks = await api.mailTo(
      (mail) =>
        mail.destination.to.some((to) => to.includes('it@acme.example')) &&
        mail.subject.startsWith(`[${ticketId}]`),
    );
    expect(acks).toHaveLength(1);

    // Ida answers on Anna's ticket: the message is Ida's, not Anna's.
    const reply = await api.request('POST', `/portal/tickets/${tickets.anna}/messages`, {
      token: ida,
      body: { body: 'Ich kümmere mich mit.' },
    });
    expect(reply.status).toBe(201);
    expect(reply.json.author).toEqual({
      kind: 'customer',
      name: 'Ida Itlerin',
      email: 'it@acme.example',
    });
    const internal = await api.request('POST', `/portal/tickets/${tickets.anna}/messages`, {
      token: ida,
      body: { body: 'x', internal: true },
    });
    expect(internal.status).toBe(400);

    const upload = await api.request('POST', `/portal/tickets/${tickets.anna}/attachments`, {
      token: ida,
      body: {
        filename: 'log.txt',
        contentType: 'text/plain',
        contentBase64: Buffer.from('Fehler 42').toString('base64'),
      },
    });
    expect(upload.status).toBe(201);
    const link = await api.request(
      'GET',
      `/portal/tickets/${tickets.anna}/attachments?format=json&key=${encodeURIComponent(upload.json.key as string)}`,
      { token: ida },
    );
    expect(link.status).toBe(200);
    expect(await (await fetch(link.json.url as string)).text()).toBe('Fehler 42');
  });

  it("shows the contract, this month's included minutes and the last 12 months", async () => {
    const work = await api.request('POST', `/tickets/${tickets.ida}/work`, {
      token: agent,
      body: { minutes: 45, serviceCode: 'REMOTE', description: 'Treiber' },
    });
    expect(work.status).toBe(201);
    const ida = await signIn('it@acme.example');
    const contract = await api.request('GET', '/portal/contract', { token: ida });
    expect(contract.status).toBe(200);
    expect(contract.json).toMatchObject({
      customer: { id: 'acme', name: 'ACME GmbH' },
      contract: { id: OPEN_CONTRACT.id, includedMinutesPerMonth: 600 },
      active: true,
      thisMonth: { includedMinutes: 600, usedMinutes: 45, leftMinutes: 555 },
    });
    const months = contract.json.months as { month: string; usedMinutes: number }[];
    expect(months).toHaveLength(12);
    expect(months[11]).toMatchObject({ usedMinutes: 45, includedMinutes: 600 });
    expect(months.slice(0, 11).every((m) => m.usedMinutes === 0)).toBe(true);
  });

  it('includes no minutes this month for a contract that ended or has not begun, as its months entry says', async () => {
    for (const [id, window] of [
      ['ended', { validFrom: '2020-01-01', validTo: '2020-12-31' }],
      ['future', { validFrom: '2099-01-01' }],
    ] as const) {
      const put = await api.request('PUT', `/customers/${id}`, {
        token: admin,
        body: {
          name: `Contract ${id}`,
          contacts: [`it@${id}.example`],
          contract: { ...OPEN_CONTRACT, id: `SV-${id}`, ...window },
        },
      });
      expect(put.status).toBe(201);
      const token = await signIn(`it@${id}.example`);
      const contract = await api.request('GET', '/portal/contract', { token });
      expect(contract.status).toBe(200);
      expect(contract.json).toMatchObject({
        customer: { id },
        active: false,
        thisMonth: { includedMinutes: 0, usedMinutes: 0, leftMinutes: 0 },
      });
      const months = contract.json.months as { month: string; includedMinutes: number }[];
      expect(months[11]).toMatchObject({
        month: (contract.json.thisMonth as { month: string }).month,
        includedMinutes: 0,
      });
    }
  });

  it("shows the contract's plan and targets, and its service levels as the monthly report counts them", async () => {
    // A first response on one of the customer's tickets, so the month has something met.
    const reply = await api.request('POST', `/tickets/${tickets.anna}/messages`, {
      token: agent,
      body: { body: 'Wir sehen uns das an.' },
    });
    expect(reply.status).toBe(201);
    const ida = await signIn('it@acme.example');
    const contract = await api.request('GET', '/portal/contract', { token: ida });
    expect(contract.status).toBe(200);
    const plans = await api.request('GET', '/service-levels/office-hours', { token: admin });
    expect(plans.status).toBe(200);
    const { updatedAt: _stored, ...plan } = plans.json;
    expect(contract.json.plan).toEqual(plan);
    type Month = { month: string; serviceLevels: Record<string, unknown>[] };
    const months = contract.json.months as Month[];
    const current = months[11] as Month;
    const report = await api.request('GET', `/reports/service-levels?month=${current.month}`, {
      token: admin,
    });
    expect(report.status).toBe(200);
    const rows = (report.json.rows as Record<string, unknown>[])
      .filter((row) => row.customerId === 'acme')
      .map(({ customerId: _id, customerName: _name, ...row }) => row);
    expect(rows.length).toBe(1);
    expect(current.serviceLevels).toEqual(rows);
    expect(current.serviceLevels[0]).toMatchObject({ planId: 'office-hours' });
    expect(Number(current.serviceLevels[0]?.tickets)).toBeGreaterThanOrEqual(3);
    expect(Number(current.serviceLevels[0]?.firstResponsesMet)).toBeGreaterThanOrEqual(1);
    // The months before the contract's tickets: the customer listed, nothing counted.
    for (const month of months.slice(0, 11)) {
      for (const row of month.serviceLevels) expect(row).toMatchObject({ tickets: 0 });
    }
    // A customer without a contract has neither plan nor results.
    const bob = await signIn('boss@beta.example');
    const beta = await api.request('GET', '/portal/contract', { token: bob });
    expect(beta.json).toMatchObject({ contract: null, plan: null });
    expect((beta.json.months as Month[]).every((m) => m.serviceLevels.length === 0)).toBe(true);
  });

  it('lists a ticket stored before the portal once the backfill gave it its keys', async () => {
    const old = await api.submit({ name: 'Olga', email: 'olga@acme.example', subject: 'Alt' });
    const db = createDocumentClient({
      endpoint: api.stack.dynamoDbEndpoint,
      region: 'eu-central-1',
    });
    // What a ticket from before the portal looks like: no portal index keys.
    await db.send(
      new UpdateCommand({
        TableName: api.stack.tableName,
        Key: { pk: `TICKET#${old.ticketId}`, sk: 'TICKET' },
        UpdateExpression: 'REMOVE portalPk, portalSk',
      }),
    );
    const ida = await signIn('it@acme.example');
    expect(await listIds(ida)).not.toContain(old.ticketId);
    const first = await backfillPortalKeys(db, api.stack.tableName, { force: true });
    expect(first).toMatchObject({ updated: 1, alreadyDone: false });
    expect(first.scanned).toBeGreaterThan(0);
    expect(await listIds(ida)).toContain(old.ticketId);
    const opened = await api.request('GET', `/portal/tickets/${old.ticketId}`, { token: ida });
    expect(opened.status).toBe(200);
    // Another customer still does not see it; a second run finds the marker and reads nothing.
    expect(await listIds(await signIn('boss@beta.example'))).not.toContain(old.ticketId);
    expect(await backfillPortalKeys(db, api.stack.tableName)).toEqual({
      scanned: 0,
      updated: 0,
      alreadyDone: true,
    });
  });

  it('rejects bad input with 4xx and limits sign-in requests per client address', async () => {
    for (const body of [{}, { email: 'not-an-address' }, { email: 'a@b.example', extra: 1 }]) {
      expect((await api.request('POST', '/portal/sign-in', { body })).status).toBe(400);
    }
    for (const code of ['', 'short', 'x'.repeat(500), 'ä'.repeat(30)]) {
      expect((await api.request('POST', '/portal/session', { body: { code } })).status).toBe(400);
    }
    const ida = await signIn('it@acme.example');
    expect(
      (await api.request('GET', '/portal/tickets?status=everything', { token: ida })).status,
    ).toBe(400);
    expect(
      (await api.request('GET', '/portal/tickets?cursor=not-a-cursor', { token: ida })).status,
    ).toBe(400);
    expect((await api.request('GET', '/portal/tickets/not-a-ticket', { token: ida })).status).toBe(
      400,
    );
    let answer = 202;
    for (let i = 0; i < 70 && answer === 202; i++) {
      answer = (
        await api.request('POST', '/portal/sign-in', { body: { email: `x${i}@nowhere.example` } })
      ).status;
    }
    expect(answer).toBe(429);
  });
});
