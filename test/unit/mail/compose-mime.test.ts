import { simpleParser, type AddressObject, type HeaderValue } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMime } from '../../../functions/adapters/ses-mail-sender';
import type { OutgoingMail } from '../../../functions/app/mail-ports';

const SUBJECT = '[T-10001] Eingangsbestätigung: Drucker läuft nicht – Größe ÄÖÜß';
const LONG_LINE = `${'Grüße aus Köln, '.repeat(30)}Ende.`;
const TEXT = `Guten Tag Jörg Müller,\n\n${LONG_LINE}\n${'x'.repeat(300)}\nÜbermäßig schön: äöü ÄÖÜ ß €\n`;
const HTML = `<!doctype html><html lang="de"><body><p>Grüße, Jörg – ${'ä'.repeat(200)}</p></body></html>`;

const mail = (overrides: Partial<OutgoingMail> = {}): OutgoingMail => ({
  eventId: 'ack.T-10001',
  ticketId: 'T-10001',
  kind: 'acknowledgement',
  from: 'support@example.com',
  to: 'joerg.mueller@example.org',
  toName: 'Jörg Müller',
  subject: SUBJECT,
  text: TEXT,
  html: HTML,
  messageId: '<ack.T-10001@example.com>',
  inReplyTo: '<0107018f-aaaa@eu-central-1.amazonses.com>',
  references: ['<first@mail.example.org>', '<0107018f-aaaa@eu-central-1.amazonses.com>'],
  autoSubmitted: 'auto-replied',
  ...overrides,
});

/** The header block of a raw message, unfolded lines not needed: just the bytes. */
function headerBlock(raw: Buffer): Buffer {
  const end = raw.indexOf('\r\n\r\n');
  expect(end).toBeGreaterThan(0);
  return raw.subarray(0, end);
}

function single(address: AddressObject | AddressObject[] | undefined): AddressObject {
  if (!address || Array.isArray(address)) throw new Error('expected one address header');
  return address;
}

interface ContentType {
  value: string;
  params: Record<string, string>;
}

function isContentType(value: HeaderValue | undefined): value is ContentType {
  return typeof value === 'object' && value !== null && 'value' in value && 'params' in value;
}

/** The parts of a multipart body: each part's header block (lower case) and its body. */
function partsOf(raw: Buffer, boundary: string): { headers: string; body: string }[] {
  const text = raw.toString('latin1');
  const chunks = text.split(`--${boundary}`);
  // [preamble, part1, part2, ..., "--" epilogue]
  return chunks.slice(1, -1).map((chunk) => {
    const body = chunk.replace(/^\r\n/, '');
    const end = body.indexOf('\r\n\r\n');
    return { headers: body.slice(0, end).toLowerCase(), body: body.slice(end + 4) };
  });
}

describe('composeMime', () => {
  it('addresses the mail from the support name and to a display name with umlauts', async () => {
    const parsed = await simpleParser(await composeMime(mail(), 'Support-Team Größe GmbH'));
    expect(single(parsed.from).value).toEqual([
      expect.objectContaining({ name: 'Support-Team Größe GmbH', address: 'support@example.com' }),
    ]);
    expect(single(parsed.to).value).toEqual([
      expect.objectContaining({ name: 'Jörg Müller', address: 'joerg.mueller@example.org' }),
    ]);
  });

  it('addresses a bare recipient when there is no name', async () => {
    const parsed = await simpleParser(await composeMime(mail({ toName: undefined }), 'Support'));
    expect(single(parsed.to).value).toEqual([
      expect.objectContaining({ name: '', address: 'joerg.mueller@example.org' }),
    ]);
  });

  it('keeps a subject with umlauts and the ticket number', async () => {
    const parsed = await simpleParser(await composeMime(mail(), 'Support'));
    expect(parsed.subject).toBe(SUBJECT);
  });

  it('writes the header block in ASCII only, with RFC 2047 encoded words', async () => {
    const raw = await composeMime(mail(), 'Support-Team Größe');
    const headers = headerBlock(raw);
    expect([...headers].every((byte) => byte < 0x80)).toBe(true);
    const text = headers.toString('ascii');
    expect(text).toMatch(/^Subject: =\?UTF-8\?[QB]\?/im);
    expect(text).toMatch(/^To: =\?UTF-8\?[QB]\?.*\?= <joerg\.mueller@example\.org>$/im);
    expect(text).toMatch(/^From: =\?UTF-8\?[QB]\?.*\?= <support@example\.com>$/im);
    // Folded, no header line is longer than RFC 5322's 998 characters.
    for (const line of text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  });

  it('sets Message-ID, In-Reply-To and References exactly as given', async () => {
    const raw = await composeMime(mail(), 'Support');
    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe('<ack.T-10001@example.com>');
    expect(parsed.inReplyTo).toBe('<0107018f-aaaa@eu-central-1.amazonses.com>');
    expect(parsed.references).toEqual([
      '<first@mail.example.org>',
      '<0107018f-aaaa@eu-central-1.amazonses.com>',
    ]);
    const headers = headerBlock(raw).toString('ascii');
    expect(headers).toMatch(/^Message-ID: <ack\.T-10001@example\.com>$/m);
    expect(headers).toMatch(/^In-Reply-To: <0107018f-aaaa@eu-central-1\.amazonses\.com>$/m);
  });

  it('leaves out In-Reply-To and References on the first mail of a thread', async () => {
    const raw = await composeMime(mail({ inReplyTo: undefined, references: [] }), 'Support');
    const headers = headerBlock(raw).toString('ascii');
    expect(headers).not.toMatch(/^In-Reply-To:/im);
    expect(headers).not.toMatch(/^References:/im);
    expect(headers).toMatch(/^Message-ID: <ack\.T-10001@example\.com>$/m);
  });

  it('marks mail no person wrote with Auto-Submitted', async () => {
    for (const value of ['auto-replied', 'auto-generated'] as const) {
      const parsed = await simpleParser(await composeMime(mail({ autoSubmitted: value }), 'S'));
      expect(parsed.headers.get('auto-submitted')).toBe(value);
    }
  });

  it('has no Auto-Submitted header when none is set', async () => {
    const raw = await composeMime(mail({ autoSubmitted: undefined }), 'Support');
    const parsed = await simpleParser(raw);
    expect(parsed.headers.has('auto-submitted')).toBe(false);
    expect(headerBlock(raw).toString('ascii')).not.toMatch(/^Auto-Submitted:/im);
  });

  it('names the ticket in its own header', async () => {
    const parsed = await simpleParser(await composeMime(mail(), 'Support'));
    expect(parsed.headers.get('x-servicedesk-ticket')).toBe('T-10001');
  });

  it('is multipart/alternative with a UTF-8 text/plain and a UTF-8 text/html part', async () => {
    const raw = await composeMime(mail(), 'Support');
    const parsed = await simpleParser(raw);
    const contentType = parsed.headers.get('content-type');
    if (!isContentType(contentType)) throw new Error('no parsed content type');
    expect(contentType.value).toBe('multipart/alternative');
    const boundary = contentType.params.boundary;
    if (!boundary) throw new Error('no boundary');
    const parts = partsOf(raw, boundary);
    expect(parts).toHaveLength(2);
    expect(parts[0]?.headers).toMatch(/content-type: text\/plain; charset=utf-8/);
    expect(parts[1]?.headers).toMatch(/content-type: text\/html; charset=utf-8/);
    expect(parsed.attachments).toEqual([]);
  });

  it('sends the whole message as 7-bit ASCII with lines under 78 characters', async () => {
    const raw = await composeMime(mail(), 'Support');
    expect([...raw].every((byte) => byte < 0x80)).toBe(true);
    for (const line of raw.toString('ascii').split('\r\n')) {
      expect(line.length).toBeLessThanOrEqual(78);
    }
  });

  it('round-trips the text and html bodies: umlauts, long lines, line breaks', async () => {
    const parsed = await simpleParser(await composeMime(mail(), 'Support'));
    expect(parsed.text?.replace(/\n$/, '')).toBe(TEXT.replace(/\n$/, ''));
    expect(parsed.text).toContain(LONG_LINE);
    expect(parsed.html).toBe(HTML);
  });

  it('cannot be made to carry extra headers through a subject or name with line breaks', async () => {
    const raw = await composeMime(
      mail({
        subject: '[T-10001] Hallo\r\nBcc: victim@example.net',
        toName: 'Jörg\r\nBcc: victim@example.net',
      }),
      'Support\nBcc: victim@example.net',
    );
    const headers = headerBlock(raw).toString('ascii');
    expect(headers).not.toMatch(/^Bcc:/im);
    const parsed = await simpleParser(raw);
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.subject).toContain('[T-10001]');
  });
});
