import type { Locale, Severity } from '../ticket';
import type { MailHeaders } from './mail-policy';

/** A received mail as the intake sees it, after MIME parsing: no MIME left. */
export interface InboundMail {
  /** `<id@host>`, when the mail had a usable Message-ID. */
  messageId?: string;
  from?: { address: string; name?: string };
  subject: string;
  /** Readable text: the text part, or the HTML part turned into text. */
  text: string;
  inReplyTo?: string;
  references: string[];
  /** Lower-case header names, one string each. */
  headers: MailHeaders;
  attachments: InboundAttachment[];
}

export interface InboundAttachment {
  filename: string;
  contentType: string;
  size: number;
  content: Uint8Array;
}

/** What became of an attachment: stored under the ticket, or why not. */
export interface AttachmentRef {
  filename: string;
  contentType: string;
  size: number;
  /** Object key in the mail bucket, when stored. */
  key?: string;
  /** Why it was not stored (too large). */
  rejected?: string;
}

/**
 * Text as people read it: line breaks as `\n`, no control characters (NUL, escape, C1
 * controls and the like: they only ever come from broken or hostile mail); tabs and line
 * breaks stay.
 */
export function readableText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]+/g, '')
  );
}

/** At most this many file names are listed in the description of a mail without text. */
const LISTED_ATTACHMENTS = 10;

/**
 * The description of a ticket (or the body of a reply) made of a mail: its readable text,
 * cut at `maxChars` with a note; a mail without text says so, and names its attachments when it
 * brought only those (a scanned document, a PDF sent by a copier).
 */
export function descriptionOf(
  mail: Pick<InboundMail, 'text' | 'attachments'>,
  locale: Locale,
  maxChars = 50_000,
): string {
  const text = readableText(mail.text).trim();
  if (!text) {
    const names = mail.attachments.map((a) => readableText(a.filename).trim() || '?');
    if (!names.length) return locale === 'de' ? '(kein Text)' : '(no text)';
    const listed = names.slice(0, LISTED_ATTACHMENTS).join(', ');
    const more = names.length > LISTED_ATTACHMENTS ? ', …' : '';
    return locale === 'de'
      ? `(kein Text, nur ${names.length === 1 ? 'ein Anhang' : `${names.length} Anhänge`}: ${listed}${more})`
      : `(no text, only ${names.length === 1 ? 'an attachment' : `${names.length} attachments`}: ${listed}${more})`;
  }
  if (text.length <= maxChars) return text;
  const note =
    locale === 'de' ? '[… gekürzt, vollständige Mail im Archiv]' : '[… cut, full mail archived]';
  return `${text.slice(0, maxChars)}\n\n${note}`;
}

/** Limits on what a mail may bring (bytes). */
export const ATTACHMENT_LIMITS = { perAttachment: 10 * 1024 * 1024, perMail: 25 * 1024 * 1024 };

/** The ticket number a reply names in its subject, e.g. `Re: [T-10042] Drucker`. */
export function ticketIdInSubject(subject: string): string | undefined {
  return /\[(T-[1-9]\d{0,11})\]/.exec(subject)?.[1];
}

const REPLY_PREFIX = /^\s*((re|aw|antw|wg|fw|fwd|sv|vs|tr)\s*(\[\d+\])?\s*:\s*)+/i;
/** What our own acknowledgement puts before the customer's subject (templates/acknowledgement). */
const OUR_PREFIX = /^\s*(Eingangsbestätigung|We received your request):\s*/i;

/**
 * The subject for a new ticket: without our ticket tag and, unless `keepPrefixes`, without
 * reply/forward prefixes. A ticket linked to another one keeps them: "Fwd:" or "Re:" tells
 * its agents that the sender wrote into someone else's thread.
 */
export function ticketSubjectOf(
  subject: string,
  locale: Locale,
  options: { keepPrefixes?: boolean } = {},
): string {
  const cleaned = subject
    .replace(/\[T-\d+\]/g, '')
    .replace(options.keepPrefixes ? /^$/ : REPLY_PREFIX, '')
    .replace(OUR_PREFIX, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (cleaned) return cleaned.slice(0, 200);
  return locale === 'de' ? '(kein Betreff)' : '(no subject)';
}

const GERMAN =
  /\b(und|nicht|bitte|ich|wir|der|die|das|ist|mit|für|sehr geehrte|hallo|grüße|danke)\b/gi;
const ENGLISH = /\b(and|not|please|the|is|with|for|dear|hello|regards|thanks|thank you)\b/gi;

/**
 * The language to answer in: the mail's Content-Language if it names one we write,
 * else what its words look like; German when in doubt (the vendor's default).
 */
export function localeOf(mail: Pick<InboundMail, 'headers' | 'subject' | 'text'>): Locale {
  const declared = mail.headers['content-language']?.trim().toLowerCase().slice(0, 2);
  if (declared === 'de' || declared === 'en') return declared;
  const sample = `${mail.subject}\n${mail.text.slice(0, 4000)}`;
  const german = sample.match(GERMAN)?.length ?? 0;
  const english = sample.match(ENGLISH)?.length ?? 0;
  return english > german ? 'en' : 'de';
}

/** `X-Priority: 1/2` or `Importance: high` make a mail `high`; nothing makes it `critical`. */
export function severityOf(headers: MailHeaders): Severity {
  const priority = headers['x-priority']?.trim().charAt(0);
  const importance = headers['importance']?.trim().toLowerCase();
  if (priority === '1' || priority === '2' || importance === 'high') return 'high';
  if (priority === '4' || priority === '5' || importance === 'low') return 'low';
  return 'normal';
}

/** Which attachments fit the limits, in order; the rest are named with the reason. */
export function planAttachments(
  attachments: InboundAttachment[],
  limits = ATTACHMENT_LIMITS,
): { store: InboundAttachment[]; rejected: AttachmentRef[] } {
  const store: InboundAttachment[] = [];
  const rejected: AttachmentRef[] = [];
  let total = 0;
  for (const attachment of attachments) {
    const ref = {
      filename: attachment.filename,
      contentType: attachment.contentType,
      size: attachment.size,
    };
    if (attachment.size > limits.perAttachment) {
      rejected.push({ ...ref, rejected: `larger than ${limits.perAttachment} bytes` });
    } else if (total + attachment.size > limits.perMail) {
      rejected.push({ ...ref, rejected: `the mail's attachments exceed ${limits.perMail} bytes` });
    } else {
      total += attachment.size;
      store.push(attachment);
    }
  }
  return { store, rejected };
}

/** A file name safe as part of an object key. */
export function safeFileName(name: string, index: number): string {
  const base = name
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(-100);
  return `${index + 1}-${base || 'attachment'}`;
}
