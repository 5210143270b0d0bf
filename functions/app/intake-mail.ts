import { createHash } from 'node:crypto';
import { storedBytes, withinTicketQuota } from '../domain/mail/attachment-quota';
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
import {
  ALL_PASS,
  admissionOf,
  decideReply,
  dkimSigningDomain,
  type MailVerdicts,
  type SenderAuthentication,
  type SenderRelation,
  senderAuthentication,
} from '../domain/mail/sender-trust';
import { messageIdKey } from '../domain/mail/threading';
import type { TicketMessage } from '../domain/message';
import { attachToTicket, reopenOnCustomerReply } from './change-ticket';
import type { AttachmentStore, MailLog } from './mail-ports';
import type { StoredTicket, TicketDeps } from './ports';
import { submitTicket } from './submit-ticket';
import { recordVerifiedRequester } from './verify-requester';
import { ticketFilesPrefix } from '../domain/bucket-keys';

export type IntakeDeps = TicketDeps & { mailLog: MailLog; attachments: AttachmentStore };

/** Where a received mail came from: the receiving service's own id, time and verdicts. */
export interface MailSource {
  /** SES's message id (the S3 object name), unique per received copy. */
  receiptId: string;
  /**
   * Where the raw mail lies in the mail bucket; kept with what it became, so an erasure
   * (SPEC §13) finds and deletes it.
   */
  objectKey?: string;
  /** When the mail was received, ISO-8601 UTC. */
  receivedAt: string;
  /** SES's SPF, DKIM, DMARC, spam and virus verdicts. @default all PASS */
  verdicts?: MailVerdicts;
  /**
   * The envelope sender (SMTP `MAIL FROM`, which SPF checked), when the receiving service
   * reported it; `''` is the null sender of bounces.
   */
  envelopeFrom?: string;
}

export type IntakeOutcome =
  | { outcome: 'ticket'; ticketId: string; replayed: boolean; relatedTicketId?: string }
  | { outcome: 'reply'; ticketId: string; messageId: string; duplicate: boolean }
  | { outcome: 'note'; ticketId: string; messageId: string; duplicate: boolean }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'quarantined'; reason: string };

/** Longest text kept from one mail; the rest is cut with a note (items are at most 400 KB). */
const MAX_TEXT = 50_000;

/** What the intake knows about one mail besides its content. */
interface Received {
  mail: InboundMail;
  from: string;
  mailKey: string;
  source: MailSource;
  authentication: SenderAuthentication;
  /** Spam or virus verdict not PASS: nothing is sent in answer, maybe no attachments kept. */
  unsure?: { reason: string; keepAttachments: boolean };
}

/**
 * Turns a received mail into a ticket, or appends it to the ticket it answers (ticket
 * number in the subject, else a known In-Reply-To/References), reopening a resolved one —
 * but only when its sender may write into that ticket (SPEC §14, `decideReply`): others
 * get a ticket of their own that links to it, or leave an unverified internal note.
 * Mail no person wrote is ignored; the same mail delivered twice has one effect.
 */
export async function intakeMail(
  deps: IntakeDeps,
  mail: InboundMail,
  source: MailSource,
): Promise<IntakeOutcome> {
  const verdicts = source.verdicts ?? ALL_PASS;
  const admission = admissionOf(verdicts);
  if (admission.admit === 'refuse') return { outcome: 'ignored', reason: admission.reason };
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

  const received: Received = {
    mail,
    from,
    // One mail, one key: its Message-ID survives redelivery and re-sending; SES's id backs it up.
    mailKey: (mail.messageId && messageIdKey(mail.messageId)) || `ses.${source.receiptId}`,
    source,
    authentication: senderAuthentication(verdicts, from, {
      ...(source.envelopeFrom ? { envelopeFrom: source.envelopeFrom } : {}),
      ...(mail.headers['dkim-signature']
        ? { dkimDomain: dkimSigningDomain(mail.headers['dkim-signature']) }
        : {}),
    }),
    ...(admission.admit === 'unsure'
      ? { unsure: { reason: admission.reason, keepAttachments: admission.keepAttachments } }
      : {}),
  };
  const named = await ticketNamed(deps, mail);
  if (!named) return openTicket(deps, received);
  const decision = decideReply(await relationOf(deps, named, from), received.authentication);
  switch (decision.action) {
    case 'append':
      if (named.status === 'closed')
        return openTicket(deps, received, { followUpOf: named.ticketId });
      return appendReply(deps, named, received);
    case 'linked-ticket':
      return openTicket(deps, received, { relatedTo: named.ticketId });
    case 'unverified-note':
      return addUnverifiedNote(deps, named, received, decision.reason);
  }
}

/** The ticket a mail names: by the number in its subject, else by a Message-ID it answers. */
async function ticketNamed(deps: IntakeDeps, mail: InboundMail) {
  const named = ticketIdInSubject(mail.subject);
  const byNumber = named ? await deps.tickets.get(named) : undefined;
  if (byNumber) return byNumber;
  const ids = [...mail.references, ...(mail.inReplyTo ? [mail.inReplyTo] : [])];
  const ticketId = ids.length ? await deps.mailLog.ticketOfMessageIds(ids) : undefined;
  return ticketId ? deps.tickets.get(ticketId) : undefined;
}

/** Who the sender is to the ticket: its requester, one of its customer's people, or else. */
async function relationOf(
  deps: IntakeDeps,
  ticket: StoredTicket,
  from: string,
): Promise<SenderRelation> {
  if (ticket.requester.email === from) return 'requester';
  const [match, proven] = await Promise.all([
    deps.customers.findBySender(from),
    deps.verifiedAddresses.get(from),
  ]);
  if (match && ticket.customer && match.customerId === ticket.customer.id) return 'customer';
  return match || proven ? 'known' : 'stranger';
}

async function openTicket(
  deps: IntakeDeps,
  received: Received,
  link: { followUpOf?: string; relatedTo?: string } = {},
): Promise<IntakeOutcome> {
  const { mail, from, mailKey, source } = received;
  const locale = localeOf(mail);
  const text = bodyOf(mail, locale);
  const about = link.followUpOf
    ? `${locale === 'de' ? 'Folgeanfrage zu' : 'Follow-up to'} ${link.followUpOf}\n\n`
    : link.relatedTo
      ? `${locale === 'de' ? 'Bezieht sich auf' : 'Refers to'} ${link.relatedTo}\n\n`
      : '';
  const { ticket, replayed } = await submitTicket(
    deps,
    {
      name: displayName(mail, from.split('@')[0] || from),
      email: from,
      subject: ticketSubjectOf(mail.subject, locale, { keepPrefixes: Boolean(link.relatedTo) }),
      description: `${about}${text}`,
      severity: severityOf(mail.headers),
      locale,
      channel: 'email',
    },
    `mail.${mailKey}`,
    {
      // The same Message-ID is the same mail, even if a gateway added a footer on the way.
      fingerprint: mailKey,
      ...(mail.messageId ? { inReplyTo: mail.messageId } : {}),
      ...(received.authentication === 'authenticated' ? { verifiedBy: 'mail' as const } : {}),
      ...(link.relatedTo ? { relatedTicketId: link.relatedTo } : {}),
      // Nothing in answer to mail SES could not clear, nor to an address that may be forged.
      acknowledge: !received.unsure && received.authentication !== 'failed',
    },
  );
  if (mail.messageId) {
    await deps.mailLog.recordInbound({
      ticketId: ticket.ticketId,
      messageId: mail.messageId,
      receivedAt: source.receivedAt,
      ...(source.objectKey ? { rawMailKey: source.objectKey } : {}),
    });
  }
  const attachments = await storeAttachments(
    deps,
    received,
    ticketFilesPrefix(ticket.ticketId, hashOf(mailKey)),
    mail.attachments.length ? storedBytes(ticket.attachments ?? []) : 0,
  );
  if (attachments.length) await attachToTicket(deps, ticket.ticketId, attachments);
  if (received.unsure) {
    await addSystemNote(
      deps,
      ticket.ticketId,
      `s${hashOf(mailKey)}`,
      `SES could not clear this mail (${received.unsure.reason}): no acknowledgement was sent${
        received.unsure.keepAttachments ? '' : ' and no attachment was stored'
      }.`,
      source.receivedAt,
    );
  }
  if (received.authentication === 'failed') {
    await addSystemNote(
      deps,
      ticket.ticketId,
      `f${hashOf(mailKey)}`,
      'SPF, DKIM or DMARC failed for this mail: its sender address may be forged, so no acknowledgement was sent.',
      source.receivedAt,
    );
  }
  if (link.relatedTo) {
    await addSystemNote(
      deps,
      link.relatedTo,
      `l${hashOf(mailKey)}`,
      `A mail from ${from} named this ticket; the sender is not one of its people, so it became ticket ${ticket.ticketId}.`,
      source.receivedAt,
    );
  }
  return {
    outcome: 'ticket',
    ticketId: ticket.ticketId,
    replayed,
    ...(link.relatedTo ? { relatedTicketId: link.relatedTo } : {}),
  };
}

async function appendReply(
  deps: IntakeDeps,
  ticket: StoredTicket,
  received: Received,
): Promise<IntakeOutcome> {
  const { mail, from, mailKey, source } = received;
  // Derived from the mail alone, so any second delivery finds the message the first made.
  const messageId = `m${hashOf(mailKey)}`;
  const attachments = await storeAttachments(
    deps,
    received,
    ticketFilesPrefix(ticket.ticketId, hashOf(mailKey)),
    await bytesHeld(deps, ticket, mail, 'customer'),
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
    ...(source.objectKey ? { rawMailKey: source.objectKey } : {}),
  };
  const added = await deps.messages.add(message);
  // A redelivery after a crash between the two writes still reopens the ticket.
  if (added || ticket.updatedAt < message.createdAt)
    await reopenOnCustomerReply(deps, ticket.ticketId, 'mail');
  const alreadyProven = ticket.requesterVerified === true && ticket.requester.email === from;
  if (received.authentication === 'authenticated' && !alreadyProven) {
    // The mail proves the address; the ticket records it if it is its requester's.
    await recordVerifiedRequester(deps, from, 'mail', ticket.ticketId);
  }
  if (mail.messageId) {
    await deps.mailLog.recordInbound({
      ticketId: ticket.ticketId,
      messageId: mail.messageId,
      receivedAt: source.receivedAt,
      ...(source.objectKey ? { rawMailKey: source.objectKey } : {}),
    });
  }
  return { outcome: 'reply', ticketId: ticket.ticketId, messageId, duplicate: !added };
}

/**
 * A mail that names a ticket its sender may not write into: agents see it as an internal
 * note marked unverified; the customer never sees it or its files, the ticket's status
 * stays, nothing is mailed, and its Message-ID joins no thread.
 */
async function addUnverifiedNote(
  deps: IntakeDeps,
  ticket: StoredTicket,
  received: Received,
  reason: string,
): Promise<IntakeOutcome> {
  const { mail, from, mailKey, source } = received;
  const messageId = `u${hashOf(mailKey)}`;
  const attachments = await storeAttachments(
    deps,
    received,
    ticketFilesPrefix(ticket.ticketId, hashOf(mailKey)),
    await bytesHeld(deps, ticket, mail, 'unverified'),
  );
  const added = await deps.messages.add({
    messageId,
    ticketId: ticket.ticketId,
    author: { kind: 'customer', name: displayName(mail, from), email: from },
    body: `[Unverified mail from ${from}: ${reason}. Subject: ${ticketSubjectOf(mail.subject, 'en')}]\n\n${bodyOf(mail, ticket.locale)}`,
    internal: true,
    unverified: true,
    channel: 'email',
    createdAt: source.receivedAt,
    ...(attachments.length ? { attachments } : {}),
    ...(source.objectKey ? { rawMailKey: source.objectKey } : {}),
  });
  return { outcome: 'note', ticketId: ticket.ticketId, messageId, duplicate: !added };
}

/** An internal note of the intake itself (once per mail, by its derived id). */
async function addSystemNote(
  deps: IntakeDeps,
  ticketId: string,
  messageId: string,
  body: string,
  createdAt: string,
): Promise<void> {
  await deps.messages.add({
    messageId,
    ticketId,
    author: { kind: 'agent', name: 'mail intake' },
    body,
    internal: true,
    channel: 'email',
    createdAt,
  });
}

/**
 * Bytes the ticket's stored files take (only read when the mail brings files). Two pools:
 * the customer's — the ticket's own files, its messages', the web uploads — and the files
 * of unverified notes, so that a stranger's mail can never use up the customer's quota.
 */
async function bytesHeld(
  deps: IntakeDeps,
  ticket: StoredTicket,
  mail: InboundMail,
  pool: 'customer' | 'unverified',
) {
  if (mail.attachments.length === 0) return 0;
  const messages = (await deps.messages.list(ticket.ticketId)).filter(
    (message) => (message.unverified === true) === (pool === 'unverified'),
  );
  const files = storedBytes(messages.flatMap((message) => message.attachments ?? []));
  return pool === 'customer' ? storedBytes(ticket.attachments ?? []) + files : files;
}

/**
 * Stores what fits the limits — per file, per mail, and the ticket's quota given the bytes
 * it holds — under the ticket; the rest is named with the reason. Nothing is stored while
 * the virus scan did not pass.
 */
async function storeAttachments(
  deps: IntakeDeps,
  received: Received,
  prefix: string,
  usedBytes: number,
): Promise<AttachmentRef[]> {
  const planned = planAttachments(received.mail.attachments);
  if (received.unsure && !received.unsure.keepAttachments) {
    return [
      ...planned.store.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        size: a.size,
        rejected: 'not stored: the virus scan did not pass',
      })),
      ...planned.rejected,
    ];
  }
  // Keep each file's index in the mail, so its object key stays the same on redelivery.
  const { store, rejected } = withinTicketQuota(planned.store, usedBytes);
  const stored: AttachmentRef[] = [];
  for (const attachment of store) {
    const index = received.mail.attachments.indexOf(attachment);
    const key = `${prefix}${safeFileName(attachment.filename, index)}`;
    await deps.attachments.put(key, attachment.content, attachment.contentType);
    stored.push({
      filename: attachment.filename,
      contentType: attachment.contentType,
      size: attachment.size,
      key,
    });
  }
  return [...stored, ...planned.rejected, ...rejected];
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
