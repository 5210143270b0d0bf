import { type AddressObject, simpleParser } from 'mailparser';
import type { InboundMail } from '../domain/mail/inbound-mail';
import { normalizeMessageId } from '../domain/mail/threading';

/**
 * Parses raw MIME with mailparser: every charset and transfer encoding, RFC 2047 words and
 * RFC 2231 parameters, HTML-only mail turned into plain text (scripts and styles dropped).
 * Broken mail yields whatever could be read rather than an error.
 */
export async function parseMime(raw: Uint8Array): Promise<InboundMail> {
  const parsed = await simpleParser(Buffer.from(raw), { skipImageLinks: true });
  // The raw header lines: mailparser's processed headers merge X-Priority, Importance and
  // the List-* headers into new names, which would hide them from the mail policy.
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    headers[key] ??= unfold(line.slice(line.indexOf(':') + 1));
  }
  headers['content-type'] ??= headerText(parsed.headers.get('content-type'));
  const from = firstAddress(parsed.from);
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
    subject: parsed.subject ?? '',
    text: parsed.text || parsed.html ? (parsed.text ?? '') : rawBodyText(raw),
    ...(inReplyTo ? { inReplyTo } : {}),
    references,
    headers,
    // Inline parts too: pasted screenshots arrive that way, and nothing may be lost.
    attachments: parsed.attachments.map((a, i) => ({
      filename: a.filename ?? `attachment-${i + 1}`,
      contentType: a.contentType || 'application/octet-stream',
      size: a.size ?? a.content.length,
      content: a.content,
    })),
  };
}

/** Folded header lines (RFC 5322 §2.2.3) as one line, without RFC 2047 decoding. */
function unfold(value: string): string {
  return value.replace(/\r?\n[ \t]+/g, ' ').trim();
}

/**
 * When MIME parsing found no text at all (a boundary that never occurs, say), the body as
 * it was sent is still better than nothing.
 */
function rawBodyText(raw: Uint8Array): string {
  const bytes = Buffer.from(raw);
  const start = bytes.indexOf('\r\n\r\n');
  const body = start < 0 ? '' : bytes.subarray(start + 4, start + 4 + 200_000).toString('utf8');
  return body
    .split(/\r?\n/)
    .filter((line) => !/^--[\w'()+,./:=?-]{1,70}(--)?$/.test(line.trim()))
    .join('\n')
    .trim();
}

function firstAddress(value: AddressObject | AddressObject[] | undefined) {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  for (const group of list) {
    for (const entry of group.value) {
      if (entry.address)
        return { address: entry.address, ...(entry.name ? { name: entry.name } : {}) };
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
