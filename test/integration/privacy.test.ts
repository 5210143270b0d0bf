import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createTransport, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../bin/local/dynamodb';
import { runRetention } from '../../functions/app/retention';
import { createDependencies } from '../../functions/shared/all-dependencies';
import { TestStack } from './harness';

const SUPPORT = 'support@servicedesk.test';
const client = { region: 'eu-central-1', credentials: LOCAL_CREDENTIALS };

/** SPEC §13: access, erasure and retention of personal data. */
describe('data protection', () => {
  let api: TestStack;
  let admin: string;
  let agent: string;
  let finance: string;
  let db: DynamoDBClient;
  let s3: S3Client;
  let sqs: SQSClient;
  let smtp: Transporter;

  beforeAll(async () => {
    api = await TestStack.start();
    admin = await api.token('root', ['admins']);
    agent = await api.token('alice', ['agents']);
    finance = await api.token('fin', ['finance']);
    db = new DynamoDBClient({ ...client, endpoint: api.stack.dynamoDbEndpoint });
    s3 = new S3Client({ ...client, endpoint: api.stack.sqsEndpoint, forcePathStyle: true });
    sqs = new SQSClient({ ...client, endpoint: api.stack.sqsEndpoint });
    smtp = createTransport({ host: '127.0.0.1', port: api.stack.smtpPort, secure: false });
  });
  afterAll(async () => {
    smtp?.close();
    db?.destroy();
    s3?.destroy();
    sqs?.destroy();
    await api?.stop();
  });

  /** Every stored byte of the table and of every bucket, as text. */
  async function everyStoredByte(): Promise<string> {
    const parts: string[] = [];
    let startKey: Record<string, never> | undefined;
    do {
      const page = await db.send(
        new ScanCommand({ TableName: api.stack.tableName, ExclusiveStartKey: startKey }),
      );
      parts.push(JSON.stringify(page.Items ?? []));
      startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (startKey);
    const { Buckets = [] } = await s3.send(new ListBucketsCommand({}));
    for (const bucket of Buckets) {
      const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket.Name }));
      for (const object of Contents) {
        const { Body } = await s3.send(
          new GetObjectCommand({ Bucket: bucket.Name, Key: object.Key }),
        );
        parts.push(
          `${object.Key ?? ''}\n${Buffer.from((await Body?.transformToByteArray()) ?? []).toString('latin1')}`,
        );
      }
    }
    return parts.join('\n');
  }

  async function intakeIdle(): Promise<void> {
    let quiet = 0;
    const deadline = Date.now() + 20_000;
    while (quiet < 3) {
      if (Date.now() > deadline) throw new Error('the intake queue did not drain in time');
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
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function billingTotals(month: string) {
    const response = await api.request('GET', `/exports/billing?month=${month}&format=json`, {
      token: finance,
    });
    expect(response.status).toBe(200);
    return response.json.totals;
  }

  it('exports, then erases everything of one person; billing totals stay; a repeat changes nothing', async () => {
    const email = 'zoe.privatperson@example.net';
    const name = 'Zoë Privatperson';
    const ticket = await api.submit({
      name,
      email,
      phone: '+49 171 5550199',
      subject: 'Drucker von Zoë Privatperson',
      description: 'Bitte rufen Sie Zoë Privatperson zurück.',
    });
    // A file with her name in name and content.
    const upload = await api.request('POST', `/tickets/${ticket.ticketId}/attachments`, {
      headers: { 'x-ticket-token': ticket.accessToken },
      body: {
        filename: 'zoe-privatperson.txt',
        contentType: 'text/plain',
        contentBase64: Buffer.from(`Notiz von ${name}`).toString('base64'),
      },
    });
    expect(upload.status).toBe(201);
    // The agent takes it, answers her by name, logs billable work.
    expect(
      (
        await api.request('PATCH', `/tickets/${ticket.ticketId}`, {
          token: agent,
          body: { status: 'in_progress' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await api.request('POST', `/tickets/${ticket.ticketId}/messages`, {
          token: agent,
          body: { body: `Hallo ${name}, wir kümmern uns.` },
        })
      ).status,
    ).toBe(201);
    const work = await api.request('POST', `/tickets/${ticket.ticketId}/work`, {
      token: agent,
      body: { minutes: 30, serviceCode: 'REMOTE', description: `Telefonat mit ${name}` },
    });
    expect(work.status).toBe(201);
    // She replies by mail: the raw mail lies in the mail bucket.
    await api.outboxIdle();
    await smtp.sendMail({
      envelope: { from: email, to: [SUPPORT] },
      raw: Buffer.from(
        [
          `From: ${name} <${email}>`,
          `To: ${SUPPORT}`,
          `Subject: Re: [${ticket.ticketId}] Drucker`,
          `Message-ID: <reply-1@example.net>`,
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=utf-8',
          '',
          `Danke! Viele Grüße, ${name}`,
          '',
        ].join('\r\n'),
      ),
    });
    await intakeIdle();
    await api.outboxIdle();
    const month = String(work.json.date ?? '').slice(0, 7) || new Date().toISOString().slice(0, 7);
    const totalsBefore = await billingTotals(month);
    expect(await everyStoredByte()).toContain(email);

    // Access: one document with tickets, messages, mails, files and work.
    const forbidden = await api.request(
      'GET',
      `/privacy/subjects?email=${encodeURIComponent(email)}`,
      {
        token: agent,
      },
    );
    expect(forbidden.status).toBe(403);
    const exported = await api.request(
      'GET',
      `/privacy/subjects?email=${encodeURIComponent(email)}`,
      {
        token: admin,
      },
    );
    expect(exported.status).toBe(200);
    const tickets = exported.json.tickets as Record<string, unknown>[];
    expect(tickets.map((t) => t.ticketId)).toEqual([ticket.ticketId]);
    const first = tickets[0] as Record<string, unknown[]> & { requester: unknown };
    expect(first.requester).toMatchObject({ name, email });
    expect(first.messages?.length).toBe(2);
    expect(first.attachments).toEqual([
      expect.objectContaining({ filename: 'zoe-privatperson.txt' }),
    ]);
    expect(first.workEntries).toEqual([
      expect.objectContaining({ minutes: 30, serviceCode: 'REMOTE' }),
    ]);
    expect(first.mails?.length).toBeGreaterThanOrEqual(2);

    // Erasure: admins only.
    expect(
      (await api.request('POST', '/privacy/erasures', { token: agent, body: { email } })).status,
    ).toBe(403);
    expect(
      (await api.request('POST', '/privacy/erasures', { token: admin, body: { email: 'nope' } }))
        .status,
    ).toBe(400);
    const erased = await api.request('POST', '/privacy/erasures', {
      token: admin,
      body: { email },
    });
    expect(erased.status).toBe(200);
    expect(erased.json).toMatchObject({ tickets: [ticket.ticketId], workEntries: 1 });
    expect(Number(erased.json.files)).toBeGreaterThanOrEqual(2);

    // Nothing of her is left anywhere: table, buckets, exports.
    const stored = await everyStoredByte();
    for (const trace of [email, 'Privatperson', 'privatperson', '5550199']) {
      expect(stored).not.toContain(trace);
    }
    const csv = await api.request('GET', `/exports/billing?month=${month}&format=csv`, {
      token: finance,
    });
    expect(csv.text).not.toContain('Privatperson');
    // Billing keeps every amount; the person billed without a customer record is "[erased]".
    expect(await billingTotals(month)).toEqual(
      (totalsBefore as { customerName: string }[]).map((row) =>
        [name, email].includes(row.customerName) ? { ...row, customerName: '[erased]' } : row,
      ),
    );
    const after = await api.request('GET', `/privacy/subjects?email=${encodeURIComponent(email)}`, {
      token: admin,
    });
    expect(after.json.tickets).toEqual([]);
    expect(after.text).not.toContain('Privatperson');

    // The erasure is in the ticket's history, without the erased data.
    const history = await api.request('GET', `/tickets/${ticket.ticketId}/history`, {
      token: agent,
    });
    const records = history.json.items as { actor: string; action: string }[];
    expect(records.at(-1)).toMatchObject({ actor: 'root', action: 'erasure' });
    expect(records.filter((r) => r.action === 'erasure')).toHaveLength(1);

    // Idempotent.
    const again = await api.request('POST', '/privacy/erasures', { token: admin, body: { email } });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({
      tickets: [],
      messages: 0,
      mails: 0,
      workEntries: 0,
      files: 0,
    });
  }, 60_000);

  it('removes the person as a customer contact too', async () => {
    const put = await api.request('PUT', '/customers/kontor', {
      token: admin,
      body: {
        name: 'Kontor AG',
        domains: [],
        contacts: [
          { email: 'max.kontakt@kontor.example', name: 'Max Kontaktmann', phone: '+49 30 5550111' },
          'other@kontor.example',
        ],
      },
    });
    expect(put.status).toBe(201);
    await api.submit({ name: 'Max Kontaktmann', email: 'max.kontakt@kontor.example' });
    // Mail on its way while the erasure runs would still name him: let it go out first.
    await api.outboxIdle();
    const erased = await api.request('POST', '/privacy/erasures', {
      token: admin,
      body: { email: 'max.kontakt@kontor.example' },
    });
    expect(erased.json).toMatchObject({ contacts: ['kontor'] });
    expect((erased.json.tickets as string[]).length).toBe(1);
    const customer = await api.request('GET', '/customers/kontor', { token: admin });
    expect(JSON.stringify(customer.json)).not.toContain('Kontaktmann');
    expect(customer.json.contacts).toEqual([
      expect.objectContaining({ email: 'other@kontor.example' }),
    ]);
    const stored = await everyStoredByte();
    expect(stored).not.toContain('max.kontakt@');
    expect(stored).not.toContain('Kontaktmann');
  }, 30_000);

  it("finds and erases what a person wrote on other people's tickets (the author index)", async () => {
    const put = await api.request('PUT', '/customers/werkstatt', {
      token: admin,
      body: { name: 'Werkstatt GmbH', domains: ['werkstatt.example'] },
    });
    expect(put.status).toBe(201);
    const bert = 'bert.beitrag@werkstatt.example';
    const anna = await api.submit({ name: 'Anna Anfrage', email: 'anna@werkstatt.example' });
    // Bert writes into Anna's ticket by mail (a colleague, by the customer's domain) …
    await smtp.sendMail({
      envelope: { from: bert, to: [SUPPORT] },
      raw: Buffer.from(
        [
          `From: Bert Beitrag <${bert}>`,
          `To: ${SUPPORT}`,
          `Subject: Re: [${anna.ticketId}] Backup`,
          'Message-ID: <bert-1@werkstatt.example>',
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'Bei mir auch, Gruss Bert Beitrag, Zimmer 4711',
          '',
        ].join('\r\n'),
      ),
    });
    await intakeIdle();
    // … and by the status page of his own ticket, merged into hers.
    const own = await api.submit({ name: 'Bert Beitrag', email: bert });
    const merged = await api.request('POST', `/tickets/${own.ticketId}/merge`, {
      token: agent,
      body: { intoTicketId: anna.ticketId },
    });
    expect(merged.status, merged.text).toBe(200);
    const reply = await api.request('POST', `/tickets/${own.ticketId}/messages`, {
      headers: { 'x-ticket-token': own.accessToken },
      body: { body: 'Nachtrag von Bert: Raum 4711' },
    });
    expect(reply.json.addedTo).toBe(anna.ticketId);
    await api.outboxIdle();

    const access = await api.request('GET', `/privacy/subjects?email=${encodeURIComponent(bert)}`, {
      token: admin,
    });
    expect(access.status, access.text).toBe(200);
    expect((access.json.tickets as { ticketId: string }[]).map((t) => t.ticketId)).toEqual([
      own.ticketId,
    ]);
    const elsewhere = access.json.messagesElsewhere as {
      ticketId: string;
      messages: { body: string; author: { email?: string } }[];
    }[];
    expect(elsewhere.map((e) => e.ticketId)).toEqual([anna.ticketId]);
    const bodies = elsewhere[0]?.messages.map((m) => m.body).join('\n') ?? '';
    expect(bodies).toContain('Zimmer 4711');
    expect(bodies).toContain('Raum 4711');
    expect(elsewhere[0]?.messages.every((m) => m.author.email === bert)).toBe(true);
    // Anna's own words are hers, not part of Bert's export.
    expect(JSON.stringify(elsewhere)).not.toContain('Anna Anfrage');
    // And Bert's identity is not part of Anna's (try-15 F2): his words show, he does not.
    const annas = await api.request(
      'GET',
      `/privacy/subjects?email=${encodeURIComponent('anna@werkstatt.example')}`,
      { token: admin },
    );
    expect(annas.text).toContain('Zimmer 4711');
    expect(annas.text).not.toContain(bert);
    expect(annas.text).toContain('[another person]');

    const erased = await api.request('POST', '/privacy/erasures', {
      token: admin,
      body: { email: bert },
    });
    expect(erased.status, erased.text).toBe(200);
    expect([...(erased.json.tickets as string[])].sort()).toEqual(
      [own.ticketId, anna.ticketId].sort(),
    );
    const stored = await everyStoredByte();
    for (const trace of [bert, 'Bert Beitrag', '4711']) expect(stored).not.toContain(trace);
    // Anna's ticket is still hers, with one erasure record for Bert's part.
    const view = await api.request('GET', `/tickets/${anna.ticketId}`, { token: agent });
    expect(view.json.requester).toMatchObject({ name: 'Anna Anfrage' });
    const history = await api.request('GET', `/tickets/${anna.ticketId}/history`, {
      token: agent,
    });
    const records = history.json.items as { actor: string; action: string; to?: string }[];
    expect(records.filter((r) => r.action === 'erasure')).toEqual([
      expect.objectContaining({ actor: 'root', to: 'messages' }),
    ]);
    const again = await api.request('POST', '/privacy/erasures', {
      token: admin,
      body: { email: bert },
    });
    expect(again.json).toMatchObject({ tickets: [], messages: 0, files: 0 });
  }, 60_000);

  it('hands a large export over as a stored file (303) and erases a large subject in parts (202)', async () => {
    const email = 'gross@example.org';
    const saved = {
      inline: process.env.PRIVACY_INLINE_LIMIT_BYTES,
      batch: process.env.ERASURE_BATCH_TICKETS,
    };
    // Small forced limits: the handlers run in this process and read them per request.
    process.env.PRIVACY_INLINE_LIMIT_BYTES = '1000';
    process.env.ERASURE_BATCH_TICKETS = '2';
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const ticket = await api.submit({ name: 'Greta Gross', email, subject: `Teil ${i}` });
        ids.push(ticket.ticketId);
      }
      await api.submit({ name: 'Bea Bystander', email: 'bystander@example.org' });
      await api.outboxIdle();
      const exported = await fetch(
        `${api.stack.apiUrl}/privacy/subjects?email=${encodeURIComponent(email)}`,
        { headers: { authorization: `Bearer ${admin}` }, redirect: 'manual' },
      );
      expect(exported.status).toBe(303);
      const location = exported.headers.get('location') ?? '';
      const file = await fetch(location);
      expect(file.status).toBe(200);
      const document = (await file.json()) as { tickets: { ticketId: string }[] };
      expect(document.tickets.map((t) => t.ticketId).sort()).toEqual([...ids].sort());

      // Two tickets per request: 202 until the last part, which answers 200.
      const parts: Record<string, unknown>[] = [];
      for (let round = 0; round < 10; round++) {
        const response = await api.request('POST', '/privacy/erasures', {
          token: admin,
          body: { email },
        });
        expect([200, 202], response.text).toContain(response.status);
        parts.push(response.json);
        if (response.status === 200) break;
        expect(response.headers.get('location')).toBe(
          `/privacy/erasures/${String(response.json.erasureId)}`,
        );
        const status = await api.request('GET', String(response.headers.get('location')), {
          token: admin,
        });
        expect(status.json).toMatchObject({ status: 'running' });
        expect(status.text).not.toContain(email);
      }
      expect(parts.map((p) => p.status)).toEqual(['running', 'running', 'done']);
      expect(parts.map((p) => (p.tickets as string[]).length)).toEqual([2, 4, 5]);
      expect([...(parts.at(-1)?.tickets as string[])].sort()).toEqual([...ids].sort());
      const stored = await everyStoredByte();
      for (const trace of [email, 'Greta Gross']) expect(stored).not.toContain(trace);
      // The SES stand-in's mailbox (memory and journal) forgot her mail too.
      const mailbox = JSON.stringify(await api.sentMail());
      const journal = readFileSync(join(api.dataDir, 'ses-sent-mail.ndjson'), 'utf8');
      for (const kept of [mailbox, journal]) expect(kept).not.toContain(email);
      // Only hers: a bystander's acknowledgement stays.
      expect(mailbox).toContain('bystander@example.org');
      // Each ticket recorded its erasure once, however many requests it took.
      for (const id of ids) {
        const history = await api.request('GET', `/tickets/${id}/history`, { token: agent });
        const erasures = (history.json.items as { action: string }[]).filter(
          (r) => r.action === 'erasure',
        );
        expect(erasures).toHaveLength(1);
      }
      const again = await api.request('POST', '/privacy/erasures', {
        token: admin,
        body: { email },
      });
      expect(again.status).toBe(200);
      expect(again.json).toMatchObject({ tickets: [], status: 'done', messages: 0 });
      const unknown = await api.request('GET', `/privacy/erasures/${'A'.repeat(43)}`, {
        token: admin,
      });
      expect(unknown.status).toBe(404);
      const bad = await api.request('GET', '/privacy/erasures/not-an-id', { token: admin });
      expect(bad.status).toBe(400);
      const byAgent = await api.request('GET', `/privacy/erasures/${'A'.repeat(43)}`, {
        token: agent,
      });
      expect(byAgent.status).toBe(403);
    } finally {
      const restore = (
        name: 'PRIVACY_INLINE_LIMIT_BYTES' | 'ERASURE_BATCH_TICKETS',
        value?: string,
      ) => {
        if (value === undefined) Reflect.deleteProperty(process.env, name);
        else process.env[name] = value;
      };
      restore('PRIVACY_INLINE_LIMIT_BYTES', saved.inline);
      restore('ERASURE_BATCH_TICKETS', saved.batch);
    }
  }, 90_000);

  it('looks up and erases every address the intake stores, internationalised ones too (try-15 F9)', async () => {
    // The web form takes only ASCII addresses; the mail intake takes what SES delivers.
    await smtp.sendMail({
      envelope: { from: 'jörg@example.org', to: [SUPPORT] },
      raw: Buffer.from(
        [
          'From: =?utf-8?Q?J=C3=B6rg_Umlaut?= <jörg@example.org>',
          `To: ${SUPPORT}`,
          'Subject: Drucker',
          'Message-ID: <joerg-1@example.org>',
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'Der Drucker druckt nicht.',
          '',
        ].join('\r\n'),
        'utf8',
      ),
    });
    await intakeIdle();
    const view = await api.request('GET', '/queue?limit=100', { token: agent });
    const ticket = (
      view.json.items as { ticketId: string; requester: { email: string | null } }[]
    ).find((t) => t.requester.email === 'jörg@example.org');
    if (!ticket) throw new Error('the mail became no ticket');
    const access = await api.request(
      'GET',
      `/privacy/subjects?email=${encodeURIComponent('JÖRG@example.org')}`,
      {
        token: admin,
      },
    );
    expect(access.status, access.text).toBe(200);
    expect((access.json.tickets as { ticketId: string }[]).map((t) => t.ticketId)).toEqual([
      ticket.ticketId,
    ]);
    await api.outboxIdle();
    const erased = await api.request('POST', '/privacy/erasures', {
      token: admin,
      body: { email: 'jörg@example.org' },
    });
    expect(erased.status, erased.text).toBe(200);
    expect(erased.json.tickets).toEqual([ticket.ticketId]);
    for (const bad of ['"q u"@example.org', 'a@[1.2.3.4]', 'x@y', 'a\u0000b@example.org']) {
      const response = await api.request('POST', '/privacy/erasures', {
        token: admin,
        body: { email: bad },
      });
      expect(response.status, bad).toBe(400);
    }
  });

  it('erases what comes in while it runs, and revokes the access token (try-15 F5, F6)', async () => {
    const email = 'rita@race.example';
    const ticket = await api.submit({ name: 'Rita Rennen', email });
    const post = (body: string) =>
      api.request('POST', `/tickets/${ticket.ticketId}/messages`, {
        headers: { 'x-ticket-token': ticket.accessToken },
        body: { body },
      });
    for (let i = 0; i < 30; i++) expect((await post(`Nachricht ${i}`)).status).toBe(201);
    await api.outboxIdle();
    const erasure = api.request('POST', '/privacy/erasures', { token: admin, body: { email } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const replies: Promise<{ status: number }>[] = [];
    for (let i = 0; i < 5; i++) {
      replies.push(post(`RITARACE${i} Rita Rennen`));
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    expect((await erasure).status).toBe(200);
    for (const reply of await Promise.all(replies)) expect([201, 404]).toContain(reply.status);
    const stored = await everyStoredByte();
    for (const trace of [email, 'Rita Rennen', 'RITARACE']) expect(stored).not.toContain(trace);
    // The old link reads and writes nothing any more.
    expect(
      (
        await api.request('GET', `/tickets/${ticket.ticketId}`, {
          headers: { 'x-ticket-token': ticket.accessToken },
        })
      ).status,
    ).toBe(404);
    expect((await post('ZORBPOST after erasure, Rita Rennen')).status).toBe(404);
    const upload = await api.request('POST', `/tickets/${ticket.ticketId}/attachments`, {
      headers: { 'x-ticket-token': ticket.accessToken },
      body: { filename: 'late.txt', contentBase64: Buffer.from('late').toString('base64') },
    });
    expect(upload.status).toBe(404);
  }, 60_000);

  it('anonymises closed tickets after the retention period, not before, with a clock of its own', async () => {
    const ticket = await api.submit({ name: 'Rita Retention', email: 'rita@example.org' });
    const open = await api.submit({ name: 'Otto Offen', email: 'otto@example.org' });
    await api.outboxIdle();
    for (const status of ['in_progress', 'resolved', 'closed']) {
      await api.request('PATCH', `/tickets/${ticket.ticketId}`, { token: agent, body: { status } });
    }
    const at = (iso: string) => {
      const base = createDependencies();
      return Object.create(base, { clock: { value: { now: () => new Date(iso) } } }) as typeof base;
    };
    const settings = { retentionMonths: 24, billingRetentionYears: 10 };
    const now = Date.now();
    const day = 24 * 3600_000;
    // 23 months later: still kept.
    const early = await runRetention(at(new Date(now + 700 * day).toISOString()), settings);
    expect(early.tickets).not.toContain(ticket.ticketId);
    // 25 months later: anonymised, the open one not.
    const late = await runRetention(at(new Date(now + 760 * day).toISOString()), settings);
    expect(late.tickets).toContain(ticket.ticketId);
    expect(late.tickets).not.toContain(open.ticketId);
    const view = await api.request('GET', `/tickets/${ticket.ticketId}`, { token: agent });
    expect(view.json).toMatchObject({
      requester: { name: '[erased]' },
      description: '[erased]',
      anonymised: { reason: 'retention' },
    });
    const stored = await everyStoredByte();
    expect(stored).not.toContain('rita@example.org');
    expect(stored).toContain('otto@example.org');
    const history = await api.request('GET', `/tickets/${ticket.ticketId}/history`, {
      token: agent,
    });
    expect((history.json.items as { action: string }[]).at(-1)).toMatchObject({
      action: 'retention',
      actor: 'system',
    });
    // A second run finds nothing more to do.
    const again = await runRetention(at(new Date(now + 761 * day).toISOString()), settings);
    expect(again.tickets).not.toContain(ticket.ticketId);
  }, 30_000);
});
