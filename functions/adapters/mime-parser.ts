import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import {
  type InboundAttachment,
  type InboundMail,
  readableText,
} from '../domain/mail/inbound-mail';
import { normalizeMessageId } from '../domain/mail/threading';
import { htmlToText } from './html-text';
import { boundaryInUse, decodeHeaderBytes, withExplicitCharsets } from './mime-charsets';

const PARSER_OPTIONS = {
  skipImageLinks: true,
  // HTML is turned into text below, the same way wherever it sits in the mail.
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
} as const;

/**
 * Parses raw MIME with mailparser: every charset and transfer encoding, RFC 2047 words and
 * RFC 2231 parameters, raw 8-bit headers in the charset their part declares
 * ({@link withExplicitCharsets}). The text is the text parts; when they hold nothing (HTML-only
 * mail, anywhere in `multipart/mixed` or `related`, or an empty text part beside the HTML),
 * the HTML turned into plain text by html-to-text. A multipart whose declared boundary never
 * occurs is read by the boundary its body actually uses. Forwarded mails are named by their
 * subject. Broken mail yields whatever could be read rather than an error.
 */
export async function parseMime(raw: Uint8Array): Promise<InboundMail> {
  const bytes = withExplicitCharsets(Buffer.from(raw));
  const parsed = await simpleParser(bytes, PARSER_OPTIONS);
  // The raw header lines: mailparser's processed headers merge X-Priority, Importance and
  // the List-* headers into new names, which would hide them from the mail policy.
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    headers[key] ??= unfold(line.slice(line.indexOf(':') + 1));
  }
  headers['content-type'] ??= headerText(parsed.headers.get('content-type'));
  const recovered = await partsByBoundaryInUse(bytes, parsed);
  const content = recovered ?? parsed;
  const from = senderOf(parsed.from, headers['from']);
  const messageId = normalizeMessageId(parsed.messageId);
  const inReplyTo = normalizeMessageId(parsed.inReplyTo);
  const references = (
    Array.isArray(parsed.references)
      ? parsed.references
      : parsed.references
        ? [parsed.references]
        : []
  )
    .flatMap((r) => r.split(/\s+/))
    .map(normalizeMessageId)
    .filter((id): id is string => !!id);
  return {
    ...(messageId ? { messageId } : {}),
    ...(from ? { from } : {}),
    subject: oneLine(parsed.subject ?? ''),
    text: readableText(textOf(content) || (recovered ? '' : plainBodyOf(bytes, parsed))).trimEnd(),
    ...(inReplyTo ? { inReplyTo } : {}),
    references,
    headers,
    // Inline parts too: pasted screenshots arrive that way, and nothing may be lost.
    attachments: await Promise.all(content.attachments.map(attachmentOf)),
  };
}

/** The text parts, else the HTML as text (an empty text part beside HTML counts as none). */
function textOf(parsed: ParsedMail): string {
  if (parsed.text?.trim()) return parsed.text;
  return typeof parsed.html === 'string' ? htmlToText(parsed.html) : '';
}

/** Nothing at all came out of the body: no text, no HTML, no attachment. */
function foundNothing(parsed: ParsedMail): boolean {
  return !parsed.text?.trim() && !parsed.html && parsed.attachments.length === 0;
}

/**
 * A multipart whose declared boundary never occurs (or that declares none) parses to
 * nothing; its body read again by the boundary it actually uses. Undefined when that is not
 * the case or does not help.
 */
async function partsByBoundaryInUse(
  bytes: Buffer,
  parsed: ParsedMail,
): Promise<ParsedMail | undefined> {
  if (!isMultipart(parsed) || !foundNothing(parsed)) return undefined;
  const body = bodyOf(bytes);
  const boundary = boundaryInUse(body);
  if (!boundary) return undefined;
  const head = `Content-Type: ${mediaType(parsed)}; boundary="${boundary.replace(/"/g, '')}"\r\n\r\n`;
  const again = await simpleParser(
    withExplicitCharsets(Buffer.concat([Buffer.from(head), body])),
    PARSER_OPTIONS,
  );
  return foundNothing(again) ? undefined : again;
}

/**
 * A multipart without any part (no boundary line at all) whose body is plain words: those
 * words, read as UTF-8 or else windows-1252. Anything that looks like MIME stays out.
 */
function plainBodyOf(bytes: Buffer, parsed: ParsedMail): string {
  if (!isMultipart(parsed) || !foundNothing(parsed)) return '';
  const body = bodyOf(bytes).subarray(0, 200_000);
  const text = decodeHeaderBytes(body);
  return /^(content-[a-z-]+|mime-version)[ \t]*:/im.test(text) ? '' : text;
}

function isMultipart(parsed: ParsedMail): boolean {
  return /^multipart\//i.test(mediaType(parsed));
}

function mediaType(parsed: ParsedMail): string {
  const contentType = parsed.headers.get('content-type');
  return typeof contentType === 'object' && 'value' in contentType ? String(contentType.value) : '';
}

/** The bytes after the message header. */
function bodyOf(bytes: Buffer): Buffer {
  const end = /\r?\n\r?\n/.exec(bytes.subarray(0, 1024 * 1024).toString('latin1'));
  return end ? bytes.subarray(end.index + end[0].length) : Buffer.alloc(0);
}

type ParsedAttachment = ParsedMail['attachments'][number];

async function attachmentOf(a: ParsedAttachment, i: number): Promise<InboundAttachment> {
  const contentType = a.contentType || 'application/octet-stream';
  const named = oneLine(a.filename ?? '');
  const forwarded = /^message\/(rfc822|global)$/i.test(contentType);
  return {
    filename:
      named ||
      (forwarded && (await forwardedMailName(a.content))) ||
      `attachment-${i + 1}${extensionOf(contentType)}`,
    contentType,
    size: a.size ?? a.content.length,
    content: a.content,
  };
}

/** File name extensions of the types that commonly arrive without a name. */
const EXTENSIONS: Record<string, string> = {
  'message/rfc822': '.eml',
  'message/global': '.eml',
  'text/plain': '.txt',
  'text/html': '.html',
  'text/calendar': '.ics',
  'text/csv': '.csv',
  'application/pdf': '.pdf',
  'application/pgp-signature': '.asc',
  'application/pgp-encrypted': '.pgp',
  'application/ms-tnef': '.dat',
  'application/zip': '.zip',
  'application/gzip': '.gz',
  'application/x-gzip': '.gz',
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/gif': '.gif',
  'image/webp': '.webp',
};

/** An extension for a nameless part, so that it opens with the right program. */
function extensionOf(contentType: string): string {
  return EXTENSIONS[contentType.toLowerCase()] ?? '';
}

/**
 * A forwarded mail (`message/rfc822` without a file name) as a mail client names it when
 * saved: its subject and `.eml`, with the characters file systems refuse replaced.
 */
async function forwardedMailName(content: Buffer): Promise<string | undefined> {
  const end = /\r?\n\r?\n/.exec(content.subarray(0, 256 * 1024).toString('latin1'));
  const head = content.subarray(0, end ? end.index + end[0].length : 256 * 1024);
  const { subject } = await simpleParser(withExplicitCharsets(Buffer.from(head)), PARSER_OPTIONS);
  const name = oneLine(subject ?? '')
    .replace(/[\\/:*?"<>|]+/g, '_')
    .slice(0, 120)
    .trim();
  return name ? `${name}.eml` : undefined;
}

/** Folded header lines (RFC 5322 §2.2.3) as one line, without RFC 2047 decoding. */
function unfold(value: string): string {
  return value.replace(/\r?\n[ \t]+/g, ' ').trim();
}

/** A header value for display: readable, on one line. */
function oneLine(value: string): string {
  return readableText(value).replace(/\s+/g, ' ').trim();
}

/**
 * The sender: the first address of the From header. Never a guess: when the header's
 * address in angle brackets is no address (`<power quadrant system@example.com>`, which a
 * lenient parser reads as `system@example.com`), there is no sender.
 */
function senderOf(value: AddressObject | AddressObject[] | undefined, rawFrom?: string) {
  for (const [, inBrackets = ''] of (rawFrom ?? '').matchAll(/<([^<>]*)>/g)) {
    if (inBrackets.includes('@') && /\S\s+\S/.test(inBrackets.trim())) return undefined;
  }
  const list = Array.isArray(value) ? value : value ? [value] : [];
  for (const group of list) {
    for (const entry of group.value) {
      if (entry.address) {
        const name = oneLine(entry.name ?? '');
        return { address: entry.address, ...(name ? { name } : {}) };
      }
    }
  }
  return undefined;
}

/** Header values come as strings, address objects, dates or structured values. */
function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('value' in value) {
      const params =
        'params' in value && value.params && typeof value.params === 'object' ? value.params : {};
      return [
        String(value.value),
        ...Object.entries(params).map(([k, v]) => `${k}=${String(v)}`),
      ].join('; ');
    }
  }
  return String(value ?? '');
}
