import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createTransport, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../bin/local/dynamodb';
import { useStack, type QueueItem } from './harness';

/**
 * Mail at the edges (issue 12), end to end over SMTP, with small mails written here: machine
 * mail that carries no RFC 3834 marker is ignored (no ticket, no acknowledgement, no
 * quarantine), HTML-only and attachment-only mail make readable tickets, and an address we
 * could not parse is never written to. The real-world corpus test covers the same ground
 * with other people's mail when `../shared/mail-corpus` is there.
 */

const SUPPORT = 'support@servicedesk.test';
type QueueLine = QueueItem & { requester?: { name: string; email?: string } };

describe('mail in: real-world edges', () => {
  const { api, tokens } = useStack({ agent: { sub: 'alice', groups: ['agents'] } });
  let smtp: Transporter;
  let sqs: SQSClient;
  let s3: S3Client;
  let serial = 0;

  beforeAll(async () => {
    smtp = createTransport({ host: '127.0.0.1', port: api.stack.smtpPort, secure: false });
    const client = { region: 'eu-central-1', credentials: LOCAL_CREDENTIALS };
    sqs = new SQSClient({ ...client, endpoint: api.stack.sqsEndpoint });
    s3 = new S3Client({ ...client, endpoint: api.stack.sqsEndpoint, forcePathStyle: true });
  });

  afterAll(async () => {
    smtp?.close();
    sqs?.destroy();
    s3?.destroy();
  });

  /** A raw mail with a fresh Message-ID; `head` lines come first. */
  function mail(head: string[], body: string[]): Buffer {
    const id = `<edge-${++serial}-${Date.now()}@client.example>`;
    return Buffer.from(
      [...head, `Message-ID: ${id}`, `To: ${SUPPORT}`, 'MIME-Version: 1.0', '', ...body, ''].join(
        '\r\n',
      ),
    );
  }

  /** Sends over SMTP with the given envelope sender ('' is the null sender) and waits. */
  async function deliver(raw: Buffer, envelopeFrom: string): Promise<void> {
    await smtp.sendMail({ envelope: { from: envelopeFrom, to: [SUPPORT] }, raw });
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
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function queue(): Promise<QueueLine[]> {
    return (await api.queue(tokens.agent)) as QueueLine[];
  }

  async function quarantined(): Promise<number> {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: api.stack.mailBucket, Prefix: 'quarantine/' }),
    );
    return page.KeyCount ?? 0;
  }

  /** Delivers a mail that must change nothing: no ticket, no quarantine, no mail sent. */
  async function expectIgnored(raw: Buffer, envelopeFrom: string): Promise<void> {
    const before = { tickets: (await queue()).length, quarantine: await quarantined() };
    await deliver(raw, envelopeFrom);
    expect((await queue()).length).toBe(before.tickets);
    expect(await quarantined()).toBe(before.quarantine);
  }

  async function ticketFrom(address: string) {
    const line = (await queue()).find((t) => t.requester?.email === address);
    expect(line, `a ticket from ${address}`).toBeDefined();
    const response = await api.request('GET', `/tickets/${line?.ticketId ?? ''}`, {
      token: tokens.agent,
    });
    return response.json as {
      ticketId: string;
      subject: string;
      description: string;
      attachments?: { filename: string; contentType: string }[];
    };
  }

  describe('machine mail without RFC 3834 markers is ignored', () => {
    it('a bounce with the null envelope sender (MAIL FROM:<>)', async () => {
      await expectIgnored(
        mail(
          ['From: Mail Delivery <mx@relay.example>', 'Subject: Undeliverable: Drucker'],
          ['Content-Type: text/plain', '', 'Your message could not be delivered.'],
        ),
        '',
      );
    });

    it('a bounce from "MAILER-DAEMON" without an address: ignored, not quarantined', async () => {
      await expectIgnored(
        mail(
          ['From: MAILER-DAEMON (Mail Delivery System)', 'Subject: Mail delivery failed'],
          ['Content-Type: text/plain', '', 'A message that you sent could not be delivered.'],
        ),
        'bounces@relay.example',
      );
    });

    it('an iCloud vacation notice (X-Apple-Action: VACATION, "Auto reply:")', async () => {
      await expectIgnored(
        mail(
          [
            'From: kira@icloud.example',
            'Subject: Auto reply: Drucker',
            'In-Reply-To: <ack@servicedesk.test>',
            'X-Apple-Action: VACATION',
          ],
          ['Content-Type: text/plain; charset=UTF-8', '', 'Ich bin bis Montag nicht im Büro.'],
        ),
        'kira@icloud.example',
      );
    });

    it('a list server loop alert from …-admin@ (X-MLServer)', async () => {
      await expectIgnored(
        mail(
          [
            'From: kunden-admin@lists.example',
            'Subject: Loop Alert: Duplicated Message-ID',
            'X-MLServer: fml [fml 4.0.3 release]',
          ],
          ['Content-Type: text/plain', '', 'Duplicated Message-ID'],
        ),
        'kunden-admin@lists.example',
      );
    });

    it('a carrier bounce from post_master@ and a no-reply bounce returning the original', async () => {
      await expectIgnored(
        mail(
          ['From: post_master@carrier.example', 'Subject: Re:Drucker'],
          ['Content-Type: text/plain', '', 'Error: Invalid user address'],
        ),
        'post_master@carrier.example',
      );
      await expectIgnored(
        mail(
          [
            'From: no-reply@isp.example',
            'Subject: Mail error',
            'Content-Type: multipart/mixed; boundary="b"',
          ],
          [
            '--b',
            'Content-Type: text/plain',
            '',
            'Mailbox full.',
            '--b',
            'Content-Type: message/rfc822',
            '',
            'From: support@servicedesk.test',
            'Subject: [T-10001] Eingang',
            '',
            'Ihre Anfrage',
            '--b--',
          ],
        ),
        'no-reply@isp.example',
      );
    });

    it('nothing was sent to any of them (no mail loop)', async () => {
      await api.outboxIdle();
      expect(await api.sentMail()).toEqual([]);
    });
  });

  describe('people’s mail that used to be unreadable', () => {
    it('HTML-only content inside multipart/mixed becomes the description', async () => {
      await deliver(
        mail(
          [
            'From: Eike Ehringer <eike@notes.example>',
            'Subject: AW:Installation',
            'Content-Type: multipart/mixed; boundary="n"',
          ],
          [
            '--n',
            'Content-Type: text/html; charset=UTF-8',
            'Content-Transfer-Encoding: quoted-printable',
            '',
            '<FONT face=3D"arial">Hallo.<br>Jetzt muss ich f=C3=BCr morgen absagen.</FONT>',
            '--n--',
          ],
        ),
        'eike@notes.example',
      );
      const ticket = await ticketFrom('eike@notes.example');
      expect(ticket.description).toBe('Hallo.\nJetzt muss ich für morgen absagen.');
    });

    it('an attachment-only mail is a ticket that says so and keeps the file', async () => {
      await deliver(
        mail(
          [
            'From: kontakt@bewerbung.example',
            'Subject: Bewerbung',
            'Content-Type: multipart/mixed; boundary="a"',
          ],
          [
            '--a',
            'Content-Type: application/pdf; name="Lebenslauf.pdf"',
            'Content-Transfer-Encoding: base64',
            '',
            Buffer.from('%PDF-1.4 Lebenslauf').toString('base64'),
            '--a--',
          ],
        ),
        'kontakt@bewerbung.example',
      );
      const ticket = await ticketFrom('kontakt@bewerbung.example');
      expect(ticket.description).toBe('(kein Text, nur ein Anhang: Lebenslauf.pdf)');
      expect(ticket.attachments).toMatchObject([
        { filename: 'Lebenslauf.pdf', contentType: 'application/pdf' },
      ]);
    });

    it('a From with spaces in the address is quarantined: no guessed address, no mail', async () => {
      const before = await quarantined();
      await deliver(
        mail(
          ['From: <power quadrant system@example.com>', 'Subject: how have things been?'],
          ['Content-Type: text/plain', '', 'Hi'],
        ),
        'spam@spam.example',
      );
      expect(await quarantined()).toBe(before + 1);
      expect((await queue()).some((t) => t.requester?.email === 'system@example.com')).toBe(false);
      await api.outboxIdle();
      const sent = await api.sentMail();
      expect(sent.flatMap((m) => m.destination.to)).not.toContain('system@example.com');
    });
  });
});
