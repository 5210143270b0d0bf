import { randomBytes, randomUUID } from 'node:crypto';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createTransport, type Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_CONTRACT, useStack, type SentMailInStore } from './harness';

/**
 * Who may add to a ticket by mail, SES's verdicts, verified senders and the ticket's file
 * quota (SPEC §14, issue 10): each attack goes in over SMTP as an outsider would send it,
 * with the local SMTP intake playing SES's verdicts from `X-Local-*-Verdict` headers, and
 * its outcome is read back through the API as the agent and as the real customer.
 */

const SUPPORT = 'support@servicedesk.test';
const REGION = 'eu-central-1';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const MB = 1024 * 1024;

interface Attachment {
  filename: string;
  size: number;
  key?: string;
  rejected?: string;
}

interface Message {
  messageId: string;
  author: { kind: string; name: string; email?: string };
  body: string;
  internal: boolean;
  unverified?: boolean;
  attachments: Attachment[];
}

interface AgentTicket {
  ticketId: string;
  status: string;
  group: string;
  description: string;
  requester: { name: string; email?: string };
  requesterVerified: boolean;
  requesterVerifiedBy: string | null;
  relatedTicketId: string | null;
  attachments?: Attachment[];
  messages: Message[];
  mails: { kind: string; messageId: string; ownMessageId: string }[];
}

interface QueueLine {
  ticketId: string;
  requester: { email: string | null };
  requesterVerified: boolean;
}

describe('mail trust: who may write into a ticket (SPEC §14)', () => {
  const { api, tokens } = useStack({ agent: { sub: 'alice', groups: ['agents'] } });
  let smtp: Transporter;
  let s3: S3Client;
  let sqs: SQSClient;

  /** Sends a mail over SMTP and waits until the intake has handled it. */
  async function deliver(
    mail: Mail.Options & { from: string; verdicts?: Record<string, string> },
  ): Promise<void> {
    const { verdicts = {}, ...options } = mail;
    const headers: Record<string, string> = {};
    for (const [name, status] of Object.entries(verdicts)) {
      headers[`X-Local-${name}-Verdict`] = status;
    }
    await smtp.sendMail({
      to: SUPPORT,
      envelope: { from: options.from, to: [SUPPORT] },
      messageId: `<${randomUUID()}@mail.example>`,
      ...options,
      headers: { ...headers, ...(options.headers as Record<string, string> | undefined) },
    });
    await intakeIdle();
  }

  async function intakeIdle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
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
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function view(ticketId: string): Promise<AgentTicket> {
    const response = await api.request('GET', `/tickets/${ticketId}`, { token: tokens.agent });
    expect(response.status, response.text).toBe(200);
    return response.json as unknown as AgentTicket;
  }

  async function customerView(ticketId: string, accessToken: string) {
    const response = await api.request('GET', `/tickets/${ticketId}`, {
      headers: { 'x-ticket-token': accessToken },
    });
    expect(response.status, response.text).toBe(200);
    return response.json as unknown as {
      status: string;
      attachments: Attachment[];
      messages: Message[];
    };
  }

  async function queueLines(): Promise<QueueLine[]> {
    return (await api.queue(tokens.agent)) as unknown as QueueLine[];
  }

  async function ticketsFrom(address: string): Promise<QueueLine[]> {
    return (await queueLines()).filter((line) => line.requester.email === address);
  }

  function mailTo(address: string): Promise<SentMailInStore[]> {
    return api.mailTo((mail) => mail.destination.to.some((to) => to.includes(address)));
  }

  async function setStatus(ticketId: string, ...statuses: string[]): Promise<void> {
    for (const status of statuses) {
      const response = await api.request('PATCH', `/tickets/${ticketId}`, {
        token: tokens.agent,
        body: { status },
      });
      expect(response.status, response.text).toBe(200);
    }
  }

  async function bytesUnder(prefix: string): Promise<number> {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: api.stack.mailBucket, Prefix: prefix }),
    );
    return (page.Contents ?? []).reduce((sum, object) => sum + (object.Size ?? 0), 0);
  }

  /** A web ticket of a customer who will be attacked, resolved by the agent. */
  async function resolvedWebTicket(email: string) {
    const submitted = await api.submit({ email, subject: 'VPN drops every hour' });
    await setStatus(submitted.ticketId, 'in_progress', 'resolved');
    return submitted;
  }

  beforeAll(async () => {
    const admin = await api.token('root', ['admins']);
    for (const [id, body] of [
      [
        'acme',
        {
          name: 'ACME GmbH',
          domains: ['acme.example'],
          contacts: ['chef@partner.example'],
          contract: OPEN_CONTRACT,
        },
      ],
      ['other', { name: 'Other AG', domains: ['other.example'] }],
    ] as const) {
      const put = await api.request('PUT', `/customers/${id}`, { token: admin, body });
      expect(put.status, put.text).toBe(201);
    }
    smtp = createTransport({
      host: '127.0.0.1',
      port: api.stack.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    const aws = { endpoint: api.stack.sqsEndpoint, region: REGION, credentials: CREDENTIALS };
    s3 = new S3Client({ ...aws, forcePathStyle: true });
    sqs = new SQSClient(aws);
  });

  afterAll(async () => {
    smtp?.close();
    s3?.destroy();
    sqs?.destroy();
  });

  describe('finding 1: strangers cannot write into tickets', () => {
    it('an unauthenticated stranger naming a ticket in the subject leaves an unverified note: no message, no reopen, no files for the customer', async () => {
      const victim = await resolvedWebTicket('erika@example.org');
      const evilFile = Buffer.from('<script>steal()</script>');

      await deliver({
        // Nothing failed, nothing proved the address (no DMARC record, no aligned DKIM).
        verdicts: { Dmarc: 'GRAY', Dkim: 'GRAY' },
        from: 'Erika Mustermann <mallory@evil.example>',
        subject: `Re: [${victim.ticketId}] VPN drops every hour`,
        text: 'Please send the invoice to my new bank account DE00 0000.',
        attachments: [{ filename: 'invoice.html', content: evilFile }],
      });

      const ticket = await view(victim.ticketId);
      expect(ticket.status).toBe('resolved');
      expect(ticket.messages).toHaveLength(1);
      const note = ticket.messages[0] as Message;
      expect(note).toMatchObject({
        internal: true,
        unverified: true,
        author: { kind: 'customer', email: 'mallory@evil.example' },
      });
      expect(note.body).toContain('new bank account');
      // The real customer sees nothing of it, and cannot be handed its file.
      const seen = await customerView(victim.ticketId, victim.accessToken);
      expect(seen.status).toBe('resolved');
      expect(seen.messages).toEqual([]);
      expect(JSON.stringify(seen)).not.toContain('invoice.html');
      const key = note.attachments[0]?.key;
      expect(key).toBeDefined();
      const download = await api.request(
        'GET',
        `/tickets/${victim.ticketId}/attachments?key=${encodeURIComponent(key as string)}&format=json`,
        { headers: { 'x-ticket-token': victim.accessToken } },
      );
      expect(download.status).toBe(404);
      // No ticket, no mail in answer to the stranger.
      expect(await ticketsFrom('mallory@evil.example')).toEqual([]);
      expect(await mailTo('mallory@evil.example')).toEqual([]);
    });

    it('an authenticated stranger answering the real acknowledgement (In-Reply-To) gets a linked ticket of their own: nothing on the named one for the customer, no reopen', async () => {
      const victim = await resolvedWebTicket('hans@example.org');
      await api.outboxIdle();
      const ack = (await view(victim.ticketId)).mails.find((m) => m.kind === 'acknowledgement');
      expect(ack).toBeDefined();

      await deliver({
        from: 'eve@evil.example',
        subject: 'Re: your request',
        text: 'Ignore the previous instructions.',
        inReplyTo: ack?.messageId,
        references: [ack?.ownMessageId ?? '', ack?.messageId ?? ''],
      });

      const ticket = await view(victim.ticketId);
      expect(ticket.status).toBe('resolved');
      // Agents learn of the linked ticket in an internal note; the customer sees nothing.
      expect(ticket.messages.map((m) => m.internal)).toEqual([true]);
      expect((await customerView(victim.ticketId, victim.accessToken)).messages).toEqual([]);
      const [own, ...more] = await ticketsFrom('eve@evil.example');
      expect(more).toEqual([]);
      const linked = await view((own as QueueLine).ticketId);
      expect(linked.relatedTicketId).toBe(victim.ticketId);
      expect(linked.description).toContain('Ignore the previous instructions.');
    });

    it('our Message-IDs cannot be guessed: the old ack.<ticket> id names nothing', async () => {
      const victim = await resolvedWebTicket('guess@example.org');
      await api.outboxIdle();
      const ticket = await view(victim.ticketId);
      for (const mail of ticket.mails) {
        expect(mail.ownMessageId).not.toContain(victim.ticketId);
        expect(mail.ownMessageId).toMatch(/^<[0-9a-f]{32}@servicedesk\.test>$/);
      }

      await deliver({
        from: 'mallory@evil.example',
        subject: 'Re: Backup',
        text: 'guessed thread',
        inReplyTo: `<ack.${victim.ticketId}@servicedesk.test>`,
        references: [`<ack.${victim.ticketId}@servicedesk.test>`],
      });

      const after = await view(victim.ticketId);
      expect(after.status).toBe('resolved');
      expect(after.messages).toEqual([]);
      // It names no ticket we know of: it is a new ticket of mallory's own, about nothing else.
      const own = await ticketsFrom('mallory@evil.example');
      expect(own).toHaveLength(1);
      expect((await view((own[0] as QueueLine).ticketId)).relatedTicketId).toBeNull();
    });

    it("a mail reusing one of our Message-IDs cannot take that thread: replies still go to the customer's ticket", async () => {
      const victim = await api.submit({ email: 'ruth@example.org', subject: 'Printer' });
      await api.outboxIdle();
      const ack = (await view(victim.ticketId)).mails.find((m) => m.kind === 'acknowledgement');
      if (!ack) throw new Error('no acknowledgement');

      // The attacker's new mail carries the acknowledgement's Message-ID as its own.
      await deliver({
        from: 'mallory@evil.example',
        subject: 'Something else entirely',
        text: 'hijack',
        messageId: ack.messageId,
      });
      await deliver({
        from: 'ruth@example.org',
        subject: 'Re: your request',
        text: 'Here is the error code 0x42.',
        inReplyTo: ack.messageId,
        references: [ack.messageId],
      });

      const ticket = await view(victim.ticketId);
      expect(ticket.messages.map((m) => [m.body, m.internal])).toEqual([
        ['Here is the error code 0x42.', false],
      ]);
    });

    it('a known sender of another customer gets a new ticket that links to the named one', async () => {
      const victim = await resolvedWebTicket('lisa@acme.example');

      await deliver({
        from: 'bob@other.example',
        subject: `Re: [${victim.ticketId}] VPN drops every hour`,
        text: 'We have the same problem here.',
      });

      const named = await view(victim.ticketId);
      expect(named.status).toBe('resolved');
      const [own, ...more] = await ticketsFrom('bob@other.example');
      expect(more).toEqual([]);
      const ticket = await view((own as QueueLine).ticketId);
      expect(ticket.relatedTicketId).toBe(victim.ticketId);
      expect(ticket.description).toContain(victim.ticketId);
      expect(ticket.description).toContain('We have the same problem here.');
      expect(ticket.requester.email).toBe('bob@other.example');
      // The named ticket's agents learn of it in an internal note; the customer does not.
      expect(named.messages).toEqual([
        expect.objectContaining({ internal: true, body: expect.stringContaining(ticket.ticketId) }),
      ]);
      expect((await customerView(victim.ticketId, victim.accessToken)).messages).toEqual([]);
      expect(await mailTo('bob@other.example')).toHaveLength(1);
    });

    it("the customer's own people may write: a colleague by domain, a contact by address", async () => {
      const ticket = await resolvedWebTicket('anna@acme.example');

      await deliver({
        from: 'max@acme.example',
        subject: `AW: [${ticket.ticketId}] VPN drops every hour`,
        text: 'Anna is out; it happens here too.',
      });
      const reopened = await view(ticket.ticketId);
      expect(reopened.status).toBe('open');
      expect(reopened.messages.map((m) => [m.author.email, m.internal])).toEqual([
        ['max@acme.example', false],
      ]);

      await deliver({
        from: 'chef@partner.example',
        subject: `AW: [${ticket.ticketId}] VPN drops every hour`,
        text: 'Please hurry.',
      });
      expect((await view(ticket.ticketId)).messages).toHaveLength(2);
      expect((await customerView(ticket.ticketId, ticket.accessToken)).messages).toHaveLength(2);
    });
  });

  describe('finding 2: SES verdicts', () => {
    it("a forged address of the customer's domain (SPF, DKIM, DMARC FAIL) is not appended", async () => {
      const ticket = await resolvedWebTicket('otto@acme.example');

      await deliver({
        from: 'CEO <ceo@acme.example>',
        subject: `Re: [${ticket.ticketId}] VPN drops every hour`,
        text: 'Wire 50.000 EUR today.',
        verdicts: { Spf: 'FAIL', Dkim: 'FAIL', Dmarc: 'FAIL' },
      });

      const after = await view(ticket.ticketId);
      expect(after.status).toBe('resolved');
      expect(after.messages).toEqual([
        expect.objectContaining({ internal: true, unverified: true }),
      ]);
      expect(await ticketsFrom('ceo@acme.example')).toEqual([]);
      expect(await mailTo('ceo@acme.example')).toEqual([]);
    });

    it('DMARC FAIL alone is enough, even for the requester’s own address', async () => {
      const ticket = await resolvedWebTicket('paula@acme.example');

      await deliver({
        from: 'paula@acme.example',
        subject: `Re: [${ticket.ticketId}] VPN drops every hour`,
        text: 'Reopen please.',
        verdicts: { Dmarc: 'FAIL' },
      });

      const after = await view(ticket.ticketId);
      expect(after.status).toBe('resolved');
      expect(after.messages.map((m) => m.unverified)).toEqual([true]);
    });

    it('a new mail whose DMARC failed makes an unverified ticket, but no mail to the forged address', async () => {
      await deliver({
        from: 'boss@acme.example',
        subject: 'Urgent: reset my password',
        text: 'Send the new password to this address.',
        verdicts: { Dmarc: 'FAIL' },
      });

      const [line, ...more] = await ticketsFrom('boss@acme.example');
      expect(more).toEqual([]);
      expect(line?.requesterVerified).toBe(false);
      const ticket = await view((line as QueueLine).ticketId);
      // The group still follows the address (SPEC §14); agents see why to be careful.
      expect(ticket.group).toBe('contract');
      expect(ticket.messages).toEqual([
        expect.objectContaining({ internal: true, body: expect.stringContaining('forged') }),
      ]);
      expect(await mailTo('boss@acme.example')).toEqual([]);
    });

    it('spam GRAY makes a ticket (nothing lost) but sends nothing in answer', async () => {
      await deliver({
        from: 'gray@example.net',
        subject: 'Cheap licences?',
        text: 'Maybe spam, maybe a customer.',
        verdicts: { Spam: 'GRAY' },
      });

      const [line] = await ticketsFrom('gray@example.net');
      expect(line).toBeDefined();
      const ticket = await view((line as QueueLine).ticketId);
      expect(ticket.messages).toEqual([
        expect.objectContaining({ internal: true, body: expect.stringContaining('GRAY') }),
      ]);
      expect(await mailTo('gray@example.net')).toEqual([]);
    });

    it('virus PROCESSING_FAILED: the text is kept, the attachments are not', async () => {
      await deliver({
        from: 'scan@example.net',
        subject: 'Log files',
        text: 'See the attached logs.',
        attachments: [{ filename: 'logs.zip', content: randomBytes(2048) }],
        verdicts: { Virus: 'PROCESSING_FAILED' },
      });

      const [line] = await ticketsFrom('scan@example.net');
      const ticket = await view((line as QueueLine).ticketId);
      expect(ticket.description).toContain('See the attached logs.');
      expect(ticket.attachments).toEqual([
        expect.objectContaining({
          filename: 'logs.zip',
          rejected: expect.stringContaining('virus'),
        }),
      ]);
      expect(await bytesUnder(`attachments/${ticket.ticketId}/`)).toBe(0);
      expect(await mailTo('scan@example.net')).toEqual([]);
    });

    it('spam or virus FAIL makes nothing', async () => {
      await deliver({
        from: 'spam@example.net',
        subject: 'WIN',
        text: 'x',
        verdicts: { Spam: 'FAIL' },
      });
      await deliver({
        from: 'virus@example.net',
        subject: 'doc',
        text: 'x',
        verdicts: { Virus: 'FAIL' },
      });
      expect(await ticketsFrom('spam@example.net')).toEqual([]);
      expect(await ticketsFrom('virus@example.net')).toEqual([]);
    });
  });

  describe('verified senders', () => {
    it('mail with DMARC PASS verifies the requester; without it, the ticket says unverified', async () => {
      await deliver({ from: 'dmarc-ok@example.net', subject: 'A', text: 'a' });
      await deliver({
        from: 'dmarc-none@example.net',
        subject: 'B',
        text: 'b',
        verdicts: { Dmarc: 'GRAY', Spf: 'GRAY', Dkim: 'GRAY' },
      });

      const [ok] = await ticketsFrom('dmarc-ok@example.net');
      const [none] = await ticketsFrom('dmarc-none@example.net');
      expect(ok?.requesterVerified).toBe(true);
      expect(none?.requesterVerified).toBe(false);
      expect(await view((ok as QueueLine).ticketId)).toMatchObject({
        requesterVerified: true,
        requesterVerifiedBy: 'mail',
      });
      expect((await view((none as QueueLine).ticketId)).requesterVerified).toBe(false);
    });

    it('the confirm link: GET shows a button and changes nothing, POST verifies, and the address stays verified', async () => {
      const submitted = await api.submit({ email: 'confirm.me@example.org' });
      expect((await view(submitted.ticketId)).requesterVerified).toBe(false);
      const [line] = await ticketsFrom('confirm.me@example.org');
      expect(line?.requesterVerified).toBe(false);

      const [ack] = await mailTo('confirm.me@example.org');
      const link = /https?:\/\/\S+\/tickets\/(T-\d+)\/confirm\?code=([\w-]+)/.exec(
        ack?.body.text ?? '',
      );
      expect(link?.[1]).toBe(submitted.ticketId);
      const code = link?.[2] as string;

      // A mail scanner fetching the link verifies nothing.
      const page = await api.request(
        'GET',
        `/tickets/${submitted.ticketId}/confirm?code=${encodeURIComponent(code)}`,
      );
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.text).toContain('method="post"');
      expect((await view(submitted.ticketId)).requesterVerified).toBe(false);

      // A wrong code, or the right code on another ticket, is a 404 and changes nothing.
      const other = await api.submit({ email: 'someone.else@example.org' });
      for (const [ticketId, tried] of [
        [submitted.ticketId, 'x'.repeat(32)],
        [other.ticketId, code],
      ]) {
        const wrong = await api.request('POST', `/tickets/${ticketId}/confirm`, {
          body: { code: tried },
        });
        expect(wrong.status).toBe(404);
      }
      expect((await view(other.ticketId)).requesterVerified).toBe(false);

      // The button: a plain form post.
      const confirmed = await api.request('POST', `/tickets/${submitted.ticketId}/confirm`, {
        rawBody: new URLSearchParams({ code }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(confirmed.status, confirmed.text).toBe(200);
      expect(confirmed.text).toContain(submitted.ticketId);
      expect(await view(submitted.ticketId)).toMatchObject({
        requesterVerified: true,
        requesterVerifiedBy: 'confirm-link',
      });
      expect((await ticketsFrom('confirm.me@example.org'))[0]?.requesterVerified).toBe(true);
      // Again (JSON): the same answer, nothing else changes.
      const again = await api.request('POST', `/tickets/${submitted.ticketId}/confirm`, {
        body: { code },
      });
      expect(again.json).toEqual({ ticketId: submitted.ticketId, requesterVerified: true });

      // A later ticket of the same address is verified from the start, and asks nothing.
      const later = await api.submit({ email: 'confirm.me@example.org', subject: 'Next' });
      expect(await view(later.ticketId)).toMatchObject({
        requesterVerified: true,
        requesterVerifiedBy: 'confirm-link',
      });
      const acks = await mailTo('confirm.me@example.org');
      expect(acks).toHaveLength(2);
      expect(acks[1]?.body.text).not.toContain('/confirm?code=');
    });

    it('a bad code is a 4xx problem, never a 5xx', async () => {
      const submitted = await api.submit({ email: 'bad.code@example.org' });
      for (const body of [
        {},
        { code: '' },
        { code: 'a b' },
        { code: 'x'.repeat(500) },
        { code: 1 },
      ]) {
        const response = await api.request('POST', `/tickets/${submitted.ticketId}/confirm`, {
          body,
        });
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
      }
      const page = await api.request('GET', `/tickets/${submitted.ticketId}/confirm`);
      expect(page.status).toBe(400);
      expect((await view(submitted.ticketId)).requesterVerified).toBe(false);
    });
  });

  describe('finding 5: mail attachments count against the 25 MB per ticket', () => {
    it('a reply over the quota keeps its text, drops the excess files with a note', async () => {
      const from = 'files@example.net';
      await deliver({
        from,
        subject: 'Dumps',
        text: 'Two dumps.',
        attachments: [
          { filename: 'a.bin', content: randomBytes(9 * MB) },
          { filename: 'b.bin', content: randomBytes(9 * MB) },
        ],
      });
      const [line] = await ticketsFrom(from);
      const ticketId = (line as QueueLine).ticketId;

      await deliver({
        from,
        subject: `Re: [${ticketId}] Dumps`,
        text: 'Two more dumps.',
        attachments: [
          { filename: 'c.bin', content: randomBytes(9 * MB) },
          { filename: 'd.bin', content: randomBytes(5 * MB) },
        ],
      });

      const ticket = await view(ticketId);
      const reply = ticket.messages.find((m) => !m.internal);
      expect(reply?.body).toBe('Two more dumps.');
      expect(
        reply?.attachments.map((a) => [a.filename, Boolean(a.key), Boolean(a.rejected)]),
      ).toEqual([
        ['d.bin', true, false],
        ['c.bin', false, true],
      ]);
      const held = await bytesUnder(`attachments/${ticketId}/`);
      expect(held).toBe(23 * MB);
      expect(held).toBeLessThanOrEqual(25 * MB);

      // The web upload counts the mail's files too: 3 MB more would be over.
      const upload = await api.request('POST', `/tickets/${ticketId}/attachments`, {
        token: tokens.agent,
        body: { filename: 'e.bin', contentBase64: randomBytes(3 * MB).toString('base64') },
      });
      expect(upload.status).toBe(409);

      // A stranger's files go to a pool of their own: they never use up the customer's room.
      await deliver({
        verdicts: { Dmarc: 'GRAY', Dkim: 'GRAY' },
        from: 'filler@evil.example',
        subject: `Re: [${ticketId}] Dumps`,
        text: 'filler',
        attachments: [{ filename: 'junk.bin', content: randomBytes(2 * MB) }],
      });
      const note = (await view(ticketId)).messages.find((m) => m.unverified);
      expect(note?.attachments.map((a) => Boolean(a.key))).toEqual([true]);
      const fits = await api.request('POST', `/tickets/${ticketId}/attachments`, {
        token: tokens.agent,
        body: { filename: 'f.bin', contentBase64: randomBytes(2 * MB).toString('base64') },
      });
      expect(fits.status, fits.text).toBe(201);
    });
  });
});
