import { createHash } from 'node:crypto';
import {
  type AttachmentRef,
  descriptionOf,
  type InboundMail,
  localeOf,
  planAttachments,
  safeFileName,
  severityOf,
  ticketIdInSubject,
  ticketSubjectOf,
} from '../domain/mail/inbound-mail';
import { automaticMailReason } from '../domain/mail/mail-policy';
import { messageIdKey } from '../domain/mail/threading';
import type { TicketMessage } from '../domain/message';
import { attachToTicket, reopenOnCustomerReply } from './change-ticket';
import type { AttachmentStore, MailLog } from './mail-ports';
import type { StoredTicket, TicketDeps } from './ports';
import { submitTicket } from './submit-ticket';

export type IntakeDeps = TicketDeps & { mailLog: MailLog; attachments: AttachmentStore };

/** Where a received mail came from: the receiving service's own id and time. */
export interface MailSource {
  /** SES's message id (the S3 object name), unique per received copy. */
  receiptId: string;
  /** When the mail was received, ISO-8601 UTC. */
  receivedAt: string;
  /**
   * The envelope sender (SMTP `MAIL FROM`), when the receiving service reported it; `''` is
   * the null sender of bounces.
   */
  envelopeFrom?: string;
}

export type IntakeOutcome =
  | { outcome: 'ticket'; ticketId: string; replayed: boolean }
  | { outcome: 'reply'; ticketId: string; messageId: string; duplicate: boolean }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'quarantined'; reason: string };

/** Longest text kept from one mail; the rest is cut with a note (items are at most 400 KB). */
const MAX_TEXT = 50_000;

/**
 * Turns a received mail into a ticket, or appends it to the ticket it answers (ticket
 * number in the subject, else a known In-Reply-To/References), reopening a resolved one.
 * Mail no person wrote is ignored; the same mail delivered twice has one effect.
 */
export async function intakeMail(
  deps: IntakeDeps,
  mail: InboundMail,
  source: MailSource,
): Promise<IntakeOutcome> {
  const from = mail.from?.address.trim().toLowerCase();
  // Machine mail first: a bounce whose From is "MAILER-DAEMON" without an address is
  // ignored like any other bounce, not quarantined with an alarm.
  const automatic = automaticMailReason(mail.headers, from, {
    subject: mail.subject,
    partTypes: mail.attachments.map((a) => a.contentType),
    ...(source.envelopeFrom !== undefined ? { envelopeSender: source.envelopeFrom } : {}),
  });
  if (automatic) return { outcome: 'ignored', reason: automatic };
  if (!from || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(from)) {
    return { outcome: 'quarantined', reason: 'no usable sender address' };
  }

  // One mail, one key: its Message-ID survives redelivery and re-sending; SES's id backs it up.
  const mailKey = (mail.messageId && messageIdKey(mail.messageId)) || `ses.${source.receiptId}`;
  const answered = await ticketAnswered(deps, mail);
  if (answered && answered.status !== 'closed') {
    return appendReply(deps, answered, mail, from, mailKey, source);
  }
  return openTicket(deps, mail, from, mailKey, source, answered?.ticketId);
}

async function ticketAnswered(deps: IntakeDeps, mail: InboundMail) {
  const named = ticketIdInSubject(mail.subject);
  const byNumber = named ? await deps.tickets.get(named) : undefined;
  if (byNumber) return byNumber;
  const ids = [...mail.references, ...(mail.inReplyTo ? [mail.inReplyTo] : [])];
  const ticketId = ids.length ? await deps.mailLog.ticketOfMessageIds(ids) : undefined;
  return ticketId ? deps.tickets.get(ticketId) : undefined;
}

async function openTicket(
  deps: IntakeDeps,
  mail: InboundMail,
  from: string,
  mailKey: string,
  source: MailSource,
  followUpOf?: string,
): Promise<IntakeOutcome> {
  const locale = localeOf(mail);
  const text = bodyOf(mail, locale);
  const description = followUpOf
    ? `${locale === 'de' ? 'Folgeanfrage zu' : 'Follow-up to'} ${followUpOf}\n\n${text}`
    : text;
  const { ticket, replayed } = await submitTicket(
    deps,
    {
      name: displayName(mail, from.split('@')[0] || from),
      email: from,
      subject: ticketSubjectOf(mail.subject, locale),
      description,
      severity: severityOf(mail.headers),
      locale,
      channel: 'email',
    },
    `mail.${mailKey}`,
    {
      // The same Message-ID is the same mail, even if a gateway added a footer on the way.
      fingerprint: mailKey,
      ...(mail.messageId ? { inReplyTo: mail.messageId } : {}),
    },
  );
  if (mail.messageId) {
    await deps.mailLog.recordInbound({
      ticketId: ticket.ticketId,
      messageId: mail.messageId,
      receivedAt: source.receivedAt,
    });
  }
  const attachments = await storeAttachments(
    deps,
    mail,
    `attachments/${ticket.ticketId}/${hashOf(mailKey)}`,
  );
  if (attachments.length) await attachToTicket(deps, ticket.ticketId, attachments);
  return { outcome: 'ticket', ticketId: ticket.ticketId, replayed };
}

async function appendReply(
  deps: IntakeDeps,
  ticket: StoredTicket,
  mail: InboundMail,
  from: string,
  mailKey: string,
  source: MailSource,
): Promise<IntakeOutcome> {
  // Derived from the mail alone, so any second delivery finds the message the first made.
  const messageId = `m${hashOf(mailKey)}`;
  const attachments = await storeAttachments(
    deps,
    mail,
    `attachments/${ticket.ticketId}/${hashOf(mailKey)}`,
  );
  const message: TicketMessage = {
    messageId,
    ticketId: ticket.ticketId,
    author: { kind: 'customer', name: displayName(mail, from), email: from },
    body: bodyOf(mail, ticket.locale),
    internal: false,
    channel: 'email',
    createdAt: source.receivedAt,
    ...(attachments.length ? { attachments } : {}),
  };
  const added = await deps.messages.add(message);
  // A redelivery after a crash between the two writes still reopens the ticket.
  if (added || ticket.updatedAt < message.createdAt)
    await reopenOnCustomerReply(deps, ticket.ticketId);
  if (mail.messageId) {
    await deps.mailLog.recordInbound({
      ticketId: ticket.ticketId,
      messageId: mail.messageId,
      receivedAt: source.receivedAt,
    });
  }
  return { outcome: 'reply', ticketId: ticket.ticketId, messageId, duplicate: !added };
}

/** Stores what fits the limits under the ticket; the rest is named with the reason. */
async function storeAttachments(
  deps: IntakeDeps,
  mail: InboundMail,
  prefix: string,
): Promise<AttachmentRef[]> {
  const { store, rejected } = planAttachments(mail.attachments);
  const stored: AttachmentRef[] = [];
  for (const [index, attachment] of store.entries()) {
    const key = `${prefix}/${safeFileName(attachment.filename, index)}`;
    await deps.attachments.put(key, attachment.content, attachment.contentType);
    stored.push({
      filename: attachment.filename,
      contentType: attachment.contentType,
      size: attachment.size,
      key,
    });
  }
  return [...stored, ...rejected];
}

/** The text of a ticket or reply made of a mail (see descriptionOf). */
function bodyOf(mail: InboundMail, locale: 'de' | 'en'): string {
  return descriptionOf(mail, locale, MAX_TEXT);
}

/** The sender's name as people see it: no control characters, no line breaks. */
function displayName(mail: InboundMail, fallback: string): string {
  const name = (mail.from?.name ?? '')
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return (name || fallback).slice(0, 200);
}

function hashOf(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}
