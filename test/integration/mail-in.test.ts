import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createTransport, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, hugeMail, messageIdOf } from '../fixtures/mail/corpus';
import { OPEN_CONTRACT, useStack, type QueueItem, type SentMailInStore } from './harness';

/**
 * Mail in, end to end: each mail of the corpus in test/fixtures/mail/ (see its README for
 * what each one is and the outcome it must have) goes over SMTP into the local stack — S3,
 * SNS, the intake queue and the intake function, as SES receiving would — and its outcome
 * is read back through the public surfaces: the queue, the agent's ticket view, the mail
 * the SES stand-in sent, and the objects in the mail bucket.
 */

const SUPPORT = 'support@servicedesk.test';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const REGION = 'eu-central-1';
/** Objects larger than this go up to the S3 stand-in in parts (it takes at most 11 MiB a request). */
const PART_SIZE = 8 * 1024 * 1024;

interface AttachmentInView {
  filename: string;
  contentType: string;
  size: number;
  key?: string;
  rejected?: string;
}

interface AgentTicket {
  ticketId: string;
  status: string;
  group: string;
  severity: string;
  receivedAt: string;
  subject: string;
  description: string;
  channel: string;
  locale: string;
  assignee?: string;
  version: number;
  requester: { name: string; email?: string };
  attachments?: AttachmentInView[];
  messages: {
    messageId: string;
    author: { kind: string; name: string; email?: string };
    body: string;
    channel: string;
    attachments?: AttachmentInView[];
  }[];
  mails: {
    kind: string;
    subject: string;
    messageId: string;
    ownMessageId: string;
    inReplyTo: string | null;
    references: string[];
  }[];
}

/** A queue line as the API returns it (the harness type leaves out the requester). */
type QueueLine = QueueItem & { requester?: { name: string; email?: string } };

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A mail that becomes a ticket: what the ticket holds and how many acknowledgements go out. */
interface DecodedCase {
  name: string;
  from: string;
  ticket: Record<string, unknown>;
  /** Text the description holds, and text it must not. */
  contains?: string[];
  lacks?: string[];
  acknowledgements?: number;
}

describe('mail in: tickets from e-mail', () => {
  const { api, tokens } = useStack({ agent: { sub: 'alice', groups: ['agents'] } });
  let smtp: Transporter;
  let s3: S3Client;
  let sqs: SQSClient;
  const bigAttachment = randomBytes(12 * 1024 * 1024);
  const smallAttachment = randomBytes(1024 * 1024);

  /** Sends raw bytes over SMTP, unchanged (the envelope is given, so nothing is parsed). */
  async function send(raw: Buffer, envelopeFrom: string): Promise<void> {
    await smtp.sendMail({ envelope: { from: envelopeFrom, to: [SUPPORT] }, raw });
  }

  /** Waits until the intake queue is empty and nothing is in flight (three quiet looks). */
  async function intakeIdle(timeoutMs = 20_000): Promise<void> {
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

  /** Sends a mail and waits until the intake has handled it. */
  async function deliver(raw: Buffer, envelopeFrom: string): Promise<void> {
    await send(raw, envelopeFrom);
    await intakeIdle();
  }

  async function queue(): Promise<QueueLine[]> {
    return (await api.queue(tokens.agent)) as QueueLine[];
  }

  /** The waiting tickets of one sender. */
  async function ticketsFrom(address: string): Promise<QueueLine[]> {
    return (await queue()).filter((t) => t.requester?.email === address.toLowerCase());
  }

  /** The one waiting ticket of a sender, as the agent sees it. */
  async function ticketFrom(address: string): Promise<AgentTicket> {
    const lines = await ticketsFrom(address);
    expect(lines, `tickets from ${address}`).toHaveLength(1);
    return view((lines[0] as QueueLine).ticketId);
  }

  async function view(ticketId: string): Promise<AgentTicket> {
    const response = await api.request('GET', `/tickets/${ticketId}`, { token: tokens.agent });
    expect(response.status).toBe(200);
    return response.json as unknown as AgentTicket;
  }

  /** Every mail the SES stand-in sent to an address, after the outbox drained. */
  function mailTo(address: string): Promise<SentMailInStore[]> {
    return api.mailTo((mail) =>
      mail.destination.to.some((to) => to.toLowerCase().includes(address.toLowerCase())),
    );
  }

  async function setStatus(ticketId: string, status: string): Promise<void> {
    const response = await api.request('PATCH', `/tickets/${ticketId}`, {
      token: tokens.agent,
      body: { status },
    });
    expect(response.status, response.text).toBe(200);
  }

  async function objectKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: api.stack.mailBucket,
          Prefix: prefix,
          ContinuationToken: token,
        }),
      );
      keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
      token = page.NextContinuationToken;
    } while (token);
    return keys;
  }

  async function object(key: string): Promise<Uint8Array> {
    const { Body } = await s3.send(
      new GetObjectCommand({ Bucket: api.stack.mailBucket, Key: key }),
    );
    return (await Body?.transformToByteArray()) ?? new Uint8Array();
  }

  /** The acknowledgement's Message-ID as SES gave it (what the customer's client sees). */
  async function acknowledgementOf(ticketId: string) {
    await api.outboxIdle();
    const ack = (await view(ticketId)).mails.find((m) => m.kind === 'acknowledgement');
    if (!ack) throw new Error(`no acknowledgement on ${ticketId}`);
    return ack;
  }

  /**
   * Puts a raw mail into the bucket as SES would, and returns SES's receipt notification in
   * its SNS envelope, ready to be sent to the intake queue. Large mail goes up in parts.
   */
  async function storedBySes(raw: Buffer, source: string): Promise<string> {
    const sesId = `redelivery-${randomUUID()}`;
    const objectKey = `incoming/${sesId}`;
    const Bucket = api.stack.mailBucket;
    if (raw.length <= PART_SIZE) {
      await s3.send(
        new PutObjectCommand({ Bucket, Key: objectKey, Body: raw, ContentType: 'message/rfc822' }),
      );
    } else {
      const { UploadId } = await s3.send(
        new CreateMultipartUploadCommand({ Bucket, Key: objectKey, ContentType: 'message/rfc822' }),
      );
      const parts: { ETag: string | undefined; PartNumber: number }[] = [];
      for (let offset = 0; offset < raw.length; offset += PART_SIZE) {
        const PartNumber = parts.length + 1;
        const { ETag } = await s3.send(
          new UploadPartCommand({
            Bucket,
            Key: objectKey,
            UploadId,
            PartNumber,
            Body: raw.subarray(offset, offset + PART_SIZE),
          }),
        );
        parts.push({ ETag, PartNumber });
      }
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: objectKey,
          UploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    }
    const now = new Date().toISOString();
    const topicArn = `arn:aws:sns:${REGION}:000000000000:inbound-mail`;
    const notification = {
      notificationType: 'Received',
      mail: { timestamp: now, source, messageId: sesId, destination: [SUPPORT] },
      receipt: {
        timestamp: now,
        recipients: [SUPPORT],
        spamVerdict: { status: 'PASS' },
        virusVerdict: { status: 'PASS' },
        spfVerdict: { status: 'PASS' },
        dkimVerdict: { status: 'PASS' },
        dmarcVerdict: { status: 'PASS' },
        action: { type: 'S3', topicArn, bucketName: Bucket, objectKey },
      },
    };
    return JSON.stringify({
      Type: 'Notification',
      MessageId: randomUUID(),
      TopicArn: topicArn,
      Subject: 'Amazon SES Email Receipt Notification',
      Message: JSON.stringify(notification),
      Timestamp: now,
    });
  }

  async function notify(body: string): Promise<void> {
    await sqs.send(new SendMessageCommand({ QueueUrl: api.stack.intake.url, MessageBody: body }));
  }

  /** Mails that each make a new ticket or nothing; sent at once before the tests look. */
  const firstWave: [file: string, envelopeFrom: string][] = [
    ['01-thunderbird-de-qp.eml', 'katrin.vogel@stadtwerke-nord.example'],
    ['02-outlook-html-only-cp1252.eml', 'm.oezdemir@kanzlei-oezdemir.example'],
    ['03-apple-mail-alternative.eml', 'lena.hartmann@mac.example'],
    ['04-latin1-base64-encoded-words.eml', 'juergen.weiss@example.org'],
    ['05-attachments-rfc2231-inline-image.eml', 't.brandt@ingenieurbuero-brandt.example'],
    ['06-forward-wg-outlook.eml', 'sekretariat@praxis-lindner.example'],
    ['07-forward-fwd-gmail.eml', 'it@moebelhaus-krause.example'],
    ['08-forward-as-attachment.eml', 'it@baeckerei-sonnenschein.example'],
    ['13-newsletter-list-bulk.eml', 'bounce-4711-newsletter@mailer.shop.example'],
    ['14-newsletter-list-headers-only.eml', 'events@webinare.example'],
    ['16-noreply-sender.eml', 'noreply@monitoring.example'],
    ['17-english.eml', 'james.carter@example.com'],
    ['18-spam-verdict-fail.eml', 'gewinn@lotto-glueck.example'],
    ['19-virus-verdict-fail.eml', 'rechnung@zahlungen-online.example'],
    ['20-broken-mime.eml', 'h.krueger@example.org'],
    ['20b-broken-boundary-never-used.eml', 'heinz.krueger@example.org'],
    ['21-no-from-header.eml', 'unknown@example.net'],
    ['22-priority-high.eml', 'leitstelle@feuerwehr-musterstadt.example'],
    ['30-iso-2022-jp.eml', 'hanako.yamada@example.jp'],
  ];

  beforeAll(async () => {
    const admin = await api.token('root', ['admins']);
    // Contract by mail domain, and by contact address; everybody else is standard.
    for (const [id, body] of [
      ['stadtwerke-nord', { name: 'Stadtwerke Nord GmbH', domains: ['stadtwerke-nord.example'] }],
      ['hartmann', { name: 'Hartmann Mediendesign', contacts: ['lena.hartmann@mac.example'] }],
    ] as const) {
      const put = await api.request('PUT', `/customers/${id}`, {
        token: admin,
        body: { ...body, contract: OPEN_CONTRACT },
      });
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

    await Promise.all([
      ...firstWave.map(([file, from]) => send(fixture(file), from)),
      // Over fauxqs's 11 MiB request limit: put in parts, as SES would store it (see below).
      storedBySes(hugeMail(bigAttachment, smallAttachment), 'a.schulze@grossdaten.example').then(
        notify,
      ),
    ]);
    await intakeIdle();
    await api.outboxIdle();
  });

  afterAll(async () => {
    smtp?.close();
    s3?.destroy();
    sqs?.destroy();
  });

  describe('new tickets: decoding', () => {
    it('01 German Thunderbird mail (UTF-8, quoted-printable, format=flowed): contract by domain, German acknowledgement answering it', async () => {
      const raw = fixture('01-thunderbird-de-qp.eml');
      const ticket = await ticketFrom('katrin.vogel@stadtwerke-nord.example');
      expect(ticket).toMatchObject({
        status: 'open',
        group: 'contract',
        severity: 'normal',
        channel: 'email',
        locale: 'de',
        subject: 'Zählerablesung lässt sich nicht öffnen',
        requester: { name: 'Katrin Vogel', email: 'katrin.vogel@stadtwerke-nord.example' },
      });
      // Flowed lines joined, umlauts and typographic quotes decoded.
      expect(ticket.description).toContain(
        'seit dem Update auf Version 4.2 lässt sich das Modul „Zählerablesung“ nicht mehr öffnen. Beim Klick auf »Öffnen« erscheint nur ein weißes Fenster.',
      );
      expect(ticket.description).toContain('Straße des 17. Juni 5');
      expect(ticket.description).toContain('Mit freundlichen Grüßen\nKatrin Vogel');
      expect(ticket.messages).toEqual([]);

      const [ack, ...more] = await mailTo('katrin.vogel@stadtwerke-nord.example');
      expect(more).toEqual([]);
      expect(ack?.subject).toBe(
        `[${ticket.ticketId}] Eingangsbestätigung: Zählerablesung lässt sich nicht öffnen`,
      );
      expect(ack?.body.text).toContain('Guten Tag Katrin Vogel');
      const [sent] = ticket.mails;
      expect(sent).toMatchObject({ kind: 'acknowledgement', inReplyTo: messageIdOf(raw) });
      expect(sent?.references).toContain(messageIdOf(raw));
    });

    it('02 Outlook HTML-only mail in windows-1252: clean text, no style, script or conditional comments', async () => {
      const ticket = await ticketFrom('m.oezdemir@kanzlei-oezdemir.example');
      expect(ticket).toMatchObject({
        group: 'standard',
        channel: 'email',
        locale: 'de',
        subject: 'Rechnung für März – Betrag falsch',
        requester: { name: 'Mehmet Özdemir' },
      });
      const text = ticket.description;
      for (const words of [
        'Guten Tag,',
        'in der Rechnung Nr. 2024-0815 für März steht ein Betrag von 1.234,56 €',
        'Position „Wartung“ – danke.',
        'Mit freundlichen Grüßen',
        'Mehmet Özdemir',
        'Kanzlei Özdemir & Partner · Steuerberatung',
      ]) {
        expect(text).toContain(words);
      }
      for (const leak of [
        'SCRIPT-INHALT',
        'alert',
        'document.write',
        'font-family',
        'MsoNormal',
        'behavior',
        'shapedefaults',
        'NUR-IN-OUTLOOK',
        '&amp;',
        '&nbsp;',
      ]) {
        expect(text).not.toContain(leak);
      }
      expect(text).not.toMatch(/<\/?[a-z!]/i);
      const acks = await mailTo('m.oezdemir@kanzlei-oezdemir.example');
      expect(acks.map((m) => m.subject)).toEqual([
        `[${ticket.ticketId}] Eingangsbestätigung: Rechnung für März – Betrag falsch`,
      ]);
    });

    it.each<DecodedCase>([
      {
        name: '03 Apple Mail multipart/alternative: the text part wins; contract by contact address',
        from: 'lena.hartmann@mac.example',
        ticket: {
          group: 'contract',
          subject: 'Synchronisation mit iPad bricht ab',
          channel: 'email',
        },
        // The plain part writes the link as <…>; the HTML part would have given "Statusseite [https://…]".
        contains: [
          'Details stehen auf der Statusseite <https://status.example.com/sync>.',
          'mit „Sync-Fehler 0x1F“ ab.',
        ],
        lacks: ['[https://'],
        acknowledgements: 1,
      },
      {
        name: '04 ISO-8859-1 base64 body, Q- and B-encoded words in Subject and From',
        from: 'juergen.weiss@example.org',
        ticket: {
          subject: 'Zugangsdaten für das Kundenportal gesperrt',
          requester: { name: 'Jürgen Weiß', email: 'juergen.weiss@example.org' },
          locale: 'de',
        },
        contains: [
          'mein Zugang für das Kundenportal ist seit gestern',
          '«Konto gesperrt - bitte Administrator kontaktieren»',
          'nach ½ Stunde Warten ändert',
          'Freundliche Grüße\nJürgen Weiß',
        ],
        acknowledgements: 1,
      },
      {
        name: '06 Outlook forward "WG:": the prefix goes, the forwarded original stays readable',
        from: 'sekretariat@praxis-lindner.example',
        ticket: {
          subject: 'Fehlermeldung beim Export nach DATEV',
          requester: { name: 'Petra Lindner' },
        },
        contains: [
          'bitte schauen Sie sich die untenstehende Meldung',
          'Von: Buchhaltung Praxis Lindner <buchhaltung@praxis-lindner.example>',
          '„Fehler E-2031: Konto 8400 unbekannt“',
        ],
      },
      {
        name: '07 Gmail forward "Fwd:" with the original inline',
        from: 'it@moebelhaus-krause.example',
        ticket: { subject: 'Lizenzschlüssel abgelaufen' },
        contains: [
          'Können Sie den Schlüssel verlängern?',
          '---------- Forwarded message ---------',
          'Ihr Lizenzschlüssel SD-4471-KX für 25 Arbeitsplätze ist am 10.03.2024 abgelaufen.',
        ],
      },
      {
        name: '30 Japanese mail in ISO-2022-JP: subject, name and text decoded',
        from: 'hanako.yamada@example.jp',
        ticket: {
          subject: 'ログインできません',
          requester: { name: '山田 花子' },
          channel: 'email',
          description:
            'お世話になっております。\nログインできません。\nよろしくお願いいたします。\n山田 花子',
        },
        acknowledgements: 1,
      },
      {
        name: '22 X-Priority: 1 mail still becomes a ticket with its text',
        from: 'leitstelle@feuerwehr-musterstadt.example',
        ticket: { subject: 'Dringend: Einsatzplanung startet nicht' },
        contains: ['Bitte dringend zurückrufen: +49 89 555 0110.'],
      },
    ])('$name', async (decoded) => {
      const ticket = await ticketFrom(decoded.from);
      expect(ticket).toMatchObject(decoded.ticket);
      for (const text of decoded.contains ?? []) expect(ticket.description).toContain(text);
      for (const text of decoded.lacks ?? []) expect(ticket.description).not.toContain(text);
      if (decoded.acknowledgements !== undefined) {
        expect(await mailTo(decoded.from)).toHaveLength(decoded.acknowledgements);
      }
    });

    it('05 attachments with RFC 2231 file names are stored under the ticket', async () => {
      const ticket = await ticketFrom('t.brandt@ingenieurbuero-brandt.example');
      expect(ticket.subject).toBe('Prüfbericht und Messwerte KW 11');
      expect(ticket.description).toContain('anbei der Prüfbericht und die Messwerte');
      const byName = new Map((ticket.attachments ?? []).map((a) => [a.filename, a]));
      const pdf = byName.get('Prüfbericht März 2024.pdf');
      const csv = byName.get('Messwerte Übersicht KW 11.csv');
      expect(pdf).toMatchObject({ contentType: 'application/pdf' });
      expect(csv).toMatchObject({ contentType: 'text/csv' });
      expect(pdf?.rejected).toBeUndefined();
      expect(pdf?.key).toMatch(new RegExp(`^attachments/${ticket.ticketId}/`));
      expect(csv?.key).toMatch(new RegExp(`^attachments/${ticket.ticketId}/`));
      const stored = await objectKeys(`attachments/${ticket.ticketId}/`);
      expect(stored).toEqual(expect.arrayContaining([pdf?.key, csv?.key]));
      expect(Buffer.from(await object(pdf?.key ?? '')).toString('latin1')).toMatch(
        /^%PDF-1\.4[\s\S]*%%EOF\n$/,
      );
      expect(Buffer.from(await object(csv?.key ?? '')).toString('utf8')).toBe(
        'Messpunkt;Wert;Einheit\nMP-01;12,5;°C\nMP-02;13,1;°C\n',
      );
    });

    // KNOWN BUG (see the report): functions/adapters/mime-parser.ts drops every inline part
    // of a multipart/related (`contentDisposition === 'inline' && related`), so a screenshot
    // pasted into the mail is neither stored nor noted. Drop `.fails` once that is fixed.
    it('05 the inline (pasted) screenshot is kept too: stored or at least noted on the ticket', async () => {
      const ticket = await ticketFrom('t.brandt@ingenieurbuero-brandt.example');
      expect((ticket.attachments ?? []).map((a) => a.filename)).toContain(
        'Bildschirmfoto Fehlerdialog.png',
      );
    });

    it('08 forward as attachment: the original mail is kept as a message/rfc822 attachment', async () => {
      const ticket = await ticketFrom('it@baeckerei-sonnenschein.example');
      expect(ticket.subject).toBe('Datensicherung fehlgeschlagen');
      expect(ticket.description).toContain('die Meldung von heute Nacht haengt an');
      const [original, ...more] = ticket.attachments ?? [];
      expect(more).toEqual([]);
      expect(original).toMatchObject({
        filename: 'Datensicherung fehlgeschlagen.eml',
        contentType: 'message/rfc822',
      });
      expect(original?.key).toMatch(new RegExp(`^attachments/${ticket.ticketId}/`));
      expect(Buffer.from(await object(original?.key ?? '')).toString('utf8')).toContain(
        'Die Datensicherung des Servers KASSE-02 ist um 22:13 fehlgeschlagen',
      );
    });

    it('17 English mail: ticket in English, acknowledged in English', async () => {
      const raw = fixture('17-english.eml');
      const ticket = await ticketFrom('james.carter@example.com');
      expect(ticket).toMatchObject({
        locale: 'en',
        subject: 'Cannot log in to the admin console',
        group: 'standard',
      });
      expect(ticket.description).toContain('"Session expired" right after entering the password');
      const [ack, ...more] = await mailTo('james.carter@example.com');
      expect(more).toEqual([]);
      expect(ack?.subject).toBe(
        `[${ticket.ticketId}] We received your request: Cannot log in to the admin console`,
      );
      expect(ack?.body.text).toContain('Hello James Carter');
      expect(ticket.mails[0]?.inReplyTo).toBe(messageIdOf(raw));
    });

    // KNOWN BUG (see the report): mailparser folds X-Priority / X-MSMail-Priority / Importance
    // into one `priority` header ("high"), but severityOf() in
    // functions/domain/mail/inbound-mail.ts reads `x-priority` and `importance`, which never
    // reach it: every mail is `normal`. Drop `.fails` once that is fixed.
    it('22 X-Priority: 1 (Importance: High) makes the ticket severity high', async () => {
      const [line] = await ticketsFrom('leitstelle@feuerwehr-musterstadt.example');
      expect(line?.severity).toBe('high');
    });
  });

  describe('new tickets: no acknowledgement, size limits, broken mail', () => {
    it('16 a noreply sender gets a ticket but no acknowledgement', async () => {
      const ticket = await ticketFrom('noreply@monitoring.example');
      expect(ticket.subject).toBe('Warnung: Festplatte auf srv-app-01 zu 95 % voll');
      expect(ticket.description).toContain('Die Festplatte /var auf srv-app-01 ist zu 95 % belegt');
      expect(await mailTo('noreply@monitoring.example')).toEqual([]);
      expect((await view(ticket.ticketId)).mails).toEqual([]);
    });

    it('huge mail: the 12 MiB attachment is noted as rejected, the 1 MiB one is stored', async () => {
      const ticket = await ticketFrom('a.schulze@grossdaten.example');
      expect(ticket.subject).toBe('Datenbankabzug und Protokoll');
      expect(ticket.description).toContain('Anbei der komplette Datenbankabzug');
      const byName = new Map((ticket.attachments ?? []).map((a) => [a.filename, a]));
      const big = byName.get('datenbank-abzug.bak');
      const small = byName.get('protokoll.log');
      expect(big).toMatchObject({ size: bigAttachment.length, rejected: expect.any(String) });
      expect(big?.key).toBeUndefined();
      expect(small).toMatchObject({ size: smallAttachment.length });
      expect(small?.rejected).toBeUndefined();
      expect(small?.key).toMatch(new RegExp(`^attachments/${ticket.ticketId}/`));
      const stored = await objectKeys(`attachments/${ticket.ticketId}/`);
      expect(stored).toEqual([small?.key]);
      const head = await s3.send(
        new HeadObjectCommand({ Bucket: api.stack.mailBucket, Key: small?.key }),
      );
      expect(head.ContentLength).toBe(smallAttachment.length);
      expect(sha256(await object(small?.key ?? ''))).toBe(sha256(smallAttachment));
      expect(await mailTo('a.schulze@grossdaten.example')).toHaveLength(1);
    });

    // KNOWN BUG (see the report): bin/local/smtp.ts stores the raw mail with one PutObject, and
    // fauxqs takes at most 11 MiB per request, so the local SMTP server answers every mail
    // over ~11 MiB with "450 @aws-sdk XML parse error" (SES and the stand-in should take 40 MB).
    // The test above therefore puts the huge mail into the bucket itself. Drop `.fails` once
    // the SMTP stand-in uploads in parts.
    it('huge mail: the local SMTP server accepts it (SES takes up to 40 MB)', async () => {
      await send(hugeMail(bigAttachment, smallAttachment), 'a.schulze@grossdaten.example');
    });

    it('20 broken mail (no MIME-Version, wrong closing boundary, unknown charset, truncated base64) still becomes a ticket with what was readable', async () => {
      const ticket = await ticketFrom('h.krueger@example.org');
      expect(ticket.subject).toMatch(/^Export h.+ngt bei 80 Prozent$/);
      expect(ticket.description).toContain(
        'Der Export bleibt bei 80 Prozent stehen, Fehlernummer 4711.',
      );
      expect(ticket.description).not.toContain('Vorspann');
      const log = (ticket.attachments ?? []).find((a) => a.filename === 'protokoll.txt');
      expect(log?.key).toMatch(new RegExp(`^attachments/${ticket.ticketId}/`));
      expect(Buffer.from(await object(log?.key ?? '')).toString('utf8')).toContain(
        'Export gestartet',
      );
      expect(await mailTo('h.krueger@example.org')).toHaveLength(1);
    });

    it('20b broken mail whose boundary never occurs still becomes a ticket', async () => {
      const ticket = await ticketFrom('heinz.krueger@example.org');
      expect(ticket.subject).toBe('Zweiter Versuch: Export bleibt stehen');
    });

    // KNOWN BUG (see the report): when the declared boundary never occurs, mailparser finds no
    // part and the intake stores "(kein Text)"; the words of the mail are on no ticket
    // (functions/app/intake-mail.ts bodyOf() has no fallback to the raw body). Drop `.fails`
    // once that is fixed.
    it('20b … with the text that was there to read', async () => {
      const ticket = await ticketFrom('heinz.krueger@example.org');
      expect(ticket.description).toContain('jetzt mit Fehlernummer 4712');
    });
  });

  describe('no ticket: machines, verdicts, unattributable mail', () => {
    it.each([
      {
        name: '13 newsletter (List-Id, List-Unsubscribe, Precedence: bulk): no ticket, no acknowledgement',
        from: 'newsletter@shop.example',
        nothingTo: ['newsletter@shop.example', 'shop.example'],
      },
      {
        name: '14 newsletter with List-* headers only (no Precedence): no ticket, no acknowledgement',
        from: 'events@webinare.example',
        nothingTo: ['events@webinare.example'],
      },
      {
        name: '18 spam verdict FAIL: no ticket, no acknowledgement',
        from: 'gewinn@lotto-glueck.example',
        nothingTo: ['gewinn@lotto-glueck.example'],
      },
    ])('$name', async ({ from, nothingTo }) => {
      expect(await ticketsFrom(from)).toEqual([]);
      for (const address of nothingTo) expect(await mailTo(address)).toEqual([]);
    });

    it('19 virus verdict FAIL: no ticket, no acknowledgement, the attachment is not stored', async () => {
      expect(await ticketsFrom('rechnung@zahlungen-online.example')).toEqual([]);
      expect(await mailTo('rechnung@zahlungen-online.example')).toEqual([]);
      expect((await objectKeys('attachments/')).filter((k) => k.includes('VIRUSTEST'))).toEqual([]);
    });

    it('21 mail without From: no ticket, the raw mail is copied under quarantine/', async () => {
      expect((await queue()).filter((t) => t.subject.includes('QUARANTAENE-MARKER-21'))).toEqual(
        [],
      );
      const quarantined = await objectKeys('quarantine/');
      const bodies = await Promise.all(
        quarantined.map(async (key) => [key, Buffer.from(await object(key))] as const),
      );
      const copy = bodies.find(([, body]) => body.equals(fixture('21-no-from-header.eml')));
      expect(copy, `quarantine holds ${quarantined.join(', ')}`).toBeDefined();
      // The copy keeps the name SES gave the original under incoming/.
      const name = copy?.[0].slice('quarantine/'.length) ?? '';
      expect(await objectKeys(`incoming/${name}`)).toEqual([`incoming/${name}`]);
    });
  });

  describe('threading: replies go to their ticket', () => {
    let replyWithAttachmentTicket = '';

    it('09 a reply with the ticket number in the subject ("AW: [T-…] …") is appended, not a new ticket', async () => {
      const base = await ticketFrom('katrin.vogel@stadtwerke-nord.example');
      const raw = fixture('09-reply-ticket-number-in-subject.template.eml', {
        TICKET_ID: base.ticketId,
      });
      await deliver(raw, 'katrin.vogel@stadtwerke-nord.example');
      const ticket = await ticketFrom('katrin.vogel@stadtwerke-nord.example');
      expect(ticket.ticketId).toBe(base.ticketId);
      expect(ticket.status).toBe('open');
      const [message, ...more] = ticket.messages;
      expect(more).toEqual([]);
      expect(message).toMatchObject({
        channel: 'email',
        author: { kind: 'customer', email: 'katrin.vogel@stadtwerke-nord.example' },
      });
      expect(message?.body).toContain(
        'kleine Ergänzung: auch nach einem Neustart des Rechners bleibt das Fenster weiß.',
      );
      // No second acknowledgement for a reply.
      expect(await mailTo('katrin.vogel@stadtwerke-nord.example')).toHaveLength(1);
    });

    it('10 a reply without ticket number, naming our acknowledgement in In-Reply-To/References, is appended', async () => {
      const base = await ticketFrom('lena.hartmann@mac.example');
      const ack = await acknowledgementOf(base.ticketId);
      const raw = fixture('10-reply-in-reply-to-only.template.eml', {
        ACK_MESSAGE_ID: ack.messageId,
      });
      await deliver(raw, 'lena.hartmann@mac.example');
      const ticket = await ticketFrom('lena.hartmann@mac.example');
      expect(ticket.ticketId).toBe(base.ticketId);
      expect(ticket.messages.map((m) => m.body)).toEqual([
        expect.stringContaining('Nachtrag: mit dem Mac funktioniert die Synchronisation'),
      ]);
      expect(await mailTo('lena.hartmann@mac.example')).toHaveLength(1);
    });

    it('11 an out-of-office auto-reply (Auto-Submitted) to our acknowledgement changes nothing', async () => {
      const base = await ticketFrom('juergen.weiss@example.org');
      const ack = await acknowledgementOf(base.ticketId);
      await deliver(
        fixture('11-out-of-office-auto-submitted.template.eml', {
          TICKET_ID: base.ticketId,
          ACK_MESSAGE_ID: ack.messageId,
        }),
        'juergen.weiss@example.org',
      );
      const ticket = await ticketFrom('juergen.weiss@example.org');
      expect(ticket.ticketId).toBe(base.ticketId);
      expect(ticket.messages).toEqual([]);
      expect(ticket.version).toBe(base.version);
      expect(await mailTo('juergen.weiss@example.org')).toHaveLength(1);
    });

    it('12 an Exchange out-of-office (X-Auto-Response-Suppress, no Auto-Submitted) changes nothing', async () => {
      const base = await ticketFrom('m.oezdemir@kanzlei-oezdemir.example');
      const ack = await acknowledgementOf(base.ticketId);
      await deliver(
        fixture('12-exchange-oof.template.eml', {
          TICKET_ID: base.ticketId,
          ACK_MESSAGE_ID: ack.messageId,
        }),
        'm.oezdemir@kanzlei-oezdemir.example',
      );
      const ticket = await ticketFrom('m.oezdemir@kanzlei-oezdemir.example');
      expect(ticket.ticketId).toBe(base.ticketId);
      expect(ticket.messages).toEqual([]);
      expect(await mailTo('m.oezdemir@kanzlei-oezdemir.example')).toHaveLength(1);
    });

    it('15 a DSN bounce of our acknowledgement (multipart/report from MAILER-DAEMON) changes nothing', async () => {
      const base = await ticketFrom('sekretariat@praxis-lindner.example');
      const ack = await acknowledgementOf(base.ticketId);
      const before = (await queue()).length;
      await deliver(
        fixture('15-dsn-bounce.template.eml', {
          TICKET_ID: base.ticketId,
          ACK_MESSAGE_ID: ack.messageId,
        }),
        '',
      );
      expect((await queue()).length).toBe(before);
      expect(await ticketsFrom('MAILER-DAEMON@mx1.example.net')).toEqual([]);
      expect((await view(base.ticketId)).messages).toEqual([]);
      expect(await mailTo('mx1.example.net')).toEqual([]);
      expect(await mailTo('sekretariat@praxis-lindner.example')).toHaveLength(1);
    });

    it('29 a reply to a ticket waiting for the customer goes back to its agent; its attachment is stored', async () => {
      const base = await ticketFrom('it@baeckerei-sonnenschein.example');
      replyWithAttachmentTicket = base.ticketId;
      const ack = await acknowledgementOf(base.ticketId);
      await setStatus(base.ticketId, 'in_progress');
      await setStatus(base.ticketId, 'waiting_customer');
      await deliver(
        fixture('29-reply-with-attachment-to-waiting.template.eml', {
          TICKET_ID: base.ticketId,
          ACK_MESSAGE_ID: ack.messageId,
        }),
        'it@baeckerei-sonnenschein.example',
      );
      const ticket = await view(base.ticketId);
      expect(ticket).toMatchObject({ status: 'in_progress', assignee: 'alice' });
      expect(ticket.messages.map((m) => m.body)).toEqual([
        'Wie gewünscht das Protokoll der Sicherung von heute Nacht.\n\nUwe Sonnenschein',
      ]);
      const stored = await objectKeys(`attachments/${base.ticketId}/`);
      const log = stored.find((key) => key.endsWith('fehlerprotokoll.txt'));
      expect(log, stored.join(', ')).toBeDefined();
      expect(Buffer.from(await object(log ?? '')).toString('utf8')).toContain(
        'Zugriff verweigert: \\\\NAS01\\sicherung (0x80070005)',
      );
    });

    // KNOWN BUG (see the report): the reply's attachments are kept on the message
    // (TicketMessage.attachments) and stored in S3, but messageView() in
    // functions/http/views.ts leaves them out, so no agent can see or find them.
    // Drop `.fails` once that is fixed.
    it('29 … and the agent sees that attachment on the reply', async () => {
      const ticket = await view(replyWithAttachmentTicket);
      expect(ticket.messages[0]?.attachments?.map((a) => a.filename)).toEqual([
        'fehlerprotokoll.txt',
      ]);
    });

    it('23 a reply to a resolved ticket reopens it at its original place in the queue', async () => {
      const base = await ticketFrom('james.carter@example.com');
      const ack = await acknowledgementOf(base.ticketId);
      await setStatus(base.ticketId, 'in_progress');
      await setStatus(base.ticketId, 'resolved');
      expect(await ticketsFrom('james.carter@example.com')).toEqual([]);

      await deliver(
        fixture('23-reply-to-resolved.template.eml', {
          TICKET_ID: base.ticketId,
          ACK_MESSAGE_ID: ack.messageId,
        }),
        'james.carter@example.com',
      );
      const [line, ...more] = await ticketsFrom('james.carter@example.com');
      expect(more).toEqual([]);
      expect(line).toMatchObject({ ticketId: base.ticketId, receivedAt: base.receivedAt });
      const ticket = await view(base.ticketId);
      expect(ticket.status).toBe('open');
      expect(ticket.assignee).toBeUndefined();
      expect(ticket.messages.map((m) => m.body)).toEqual([
        expect.stringContaining('the problem is back: the admin console logs us out'),
      ]);
      expect(await mailTo('james.carter@example.com')).toHaveLength(1);
    });

    it('24 a reply to a closed ticket makes a new ticket that names the old one', async () => {
      const base = await ticketFrom('t.brandt@ingenieurbuero-brandt.example');
      await setStatus(base.ticketId, 'in_progress');
      await setStatus(base.ticketId, 'resolved');
      await setStatus(base.ticketId, 'closed');
      const raw = fixture('24-reply-to-closed.template.eml', { TICKET_ID: base.ticketId });
      await deliver(raw, 't.brandt@ingenieurbuero-brandt.example');

      const old = await view(base.ticketId);
      expect(old.status).toBe('closed');
      expect(old.messages).toEqual([]);
      const ticket = await ticketFrom('t.brandt@ingenieurbuero-brandt.example');
      expect(ticket.ticketId).not.toBe(base.ticketId);
      expect(ticket.subject).toBe('Prüfbericht und Messwerte KW 11');
      expect(ticket.description).toContain(base.ticketId);
      expect(ticket.description).toContain('der Fehlerdialog erscheint jetzt wieder');
      const acks = await mailTo('t.brandt@ingenieurbuero-brandt.example');
      expect(acks.map((m) => m.subject)).toEqual([
        `[${base.ticketId}] Eingangsbestätigung: Prüfbericht und Messwerte KW 11`,
        `[${ticket.ticketId}] Eingangsbestätigung: Prüfbericht und Messwerte KW 11`,
      ]);
      expect((await acknowledgementOf(ticket.ticketId)).inReplyTo).toBe(messageIdOf(raw));
    });
  });

  describe('exactly once', () => {
    it('26 the same raw mail sent twice (same Message-ID) makes one ticket and one acknowledgement', async () => {
      const raw = fixture('26-sent-twice.eml');
      await deliver(raw, 'b.ahrens@hausverwaltung-ahrens.example');
      const first = await ticketFrom('b.ahrens@hausverwaltung-ahrens.example');
      await deliver(raw, 'b.ahrens@hausverwaltung-ahrens.example');
      const again = await ticketFrom('b.ahrens@hausverwaltung-ahrens.example');
      expect(again.ticketId).toBe(first.ticketId);
      expect(again.messages).toEqual([]);
      expect(await mailTo('b.ahrens@hausverwaltung-ahrens.example')).toHaveLength(1);
      expect((await acknowledgementOf(first.ticketId)).inReplyTo).toBe(messageIdOf(raw));
      // Both copies arrived: SES (here: the SMTP stand-in) stored each one.
      const copies = await Promise.all(
        (await objectKeys('incoming/')).map(async (key) => Buffer.from(await object(key))),
      );
      expect(copies.filter((body) => body.equals(raw))).toHaveLength(2);
    });

    // KNOWN BUG (see the report): appendReply() in functions/app/intake-mail.ts derives the
    // message id from the receipt time of this copy (source.receivedAt) plus the Message-ID,
    // so a second copy received later gets another id and is appended again. Drop `.fails`
    // once that is fixed.
    it('25 a reply delivered twice (same Message-ID) is appended once', async () => {
      const base = await ticketFrom('it@moebelhaus-krause.example');
      const raw = fixture('25-reply-sent-twice.template.eml', { TICKET_ID: base.ticketId });
      await deliver(raw, 'it@moebelhaus-krause.example');
      await deliver(raw, 'it@moebelhaus-krause.example');
      const ticket = await view(base.ticketId);
      expect(ticket.messages.map((m) => m.body)).toEqual([
        expect.stringContaining('es betrifft auch die Filiale in Hameln'),
      ]);
    });

    async function notifyTwice(body: string): Promise<void> {
      await notify(body);
      await notify(body);
      await intakeIdle();
    }

    it('27 the same SES notification delivered twice makes one ticket and one acknowledgement', async () => {
      await notifyTwice(
        await storedBySes(fixture('27-ses-redelivery.eml'), 'frank@tischlerei-holm.example'),
      );
      const ticket = await ticketFrom('frank@tischlerei-holm.example');
      expect(ticket).toMatchObject({
        subject: 'Angebotsmodul rechnet Mehrwertsteuer doppelt',
        channel: 'email',
      });
      expect(await mailTo('frank@tischlerei-holm.example')).toHaveLength(1);
    });

    it('28 … also when the mail has no Message-ID (SES message id decides)', async () => {
      await notifyTwice(
        await storedBySes(
          fixture('28-ses-redelivery-no-message-id.eml'),
          'frank.holm@tischlerei-holm.example',
        ),
      );
      const ticket = await ticketFrom('frank.holm@tischlerei-holm.example');
      expect(ticket.subject).toBe('Zweite Frage ohne Message-ID');
      expect(await mailTo('frank.holm@tischlerei-holm.example')).toHaveLength(1);
      expect((await acknowledgementOf(ticket.ticketId)).inReplyTo).toBeNull();
    });

    it('no intake message failed: the dead-letter queue is empty', async () => {
      await intakeIdle();
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: api.stack.intake.deadLetter.url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      expect(Number(Attributes.ApproximateNumberOfMessages)).toBe(0);
      expect(Number(Attributes.ApproximateNumberOfMessagesNotVisible)).toBe(0);
    });

    // Runs last: today it leaves a message in the dead-letter queue.
    // KNOWN BUG (see the report): the intake keys a mail by its Message-ID as an idempotency
    // key over the whole submission (functions/app/intake-mail.ts → submitTicket with
    // `mail.<Message-ID>`), so a copy whose text differs (a gateway's footer) is rejected as
    // UnprocessableError, retried 5 times and parked in the dead-letter queue with an alarm.
    // Drop `.fails` once that is fixed.
    it('31 a second copy with the same Message-ID but a gateway footer is a duplicate, not a poison message', async () => {
      const first = await ticketFrom('b.ahrens@hausverwaltung-ahrens.example');
      await deliver(
        fixture('31-same-message-id-gateway-footer.eml'),
        'b.ahrens@hausverwaltung-ahrens.example',
      );
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: api.stack.intake.deadLetter.url,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      );
      expect(Number(Attributes.ApproximateNumberOfMessages)).toBe(0);
      const [line] = await ticketsFrom('b.ahrens@hausverwaltung-ahrens.example');
      expect(line?.ticketId).toBe(first.ticketId);
    });
  });
});
