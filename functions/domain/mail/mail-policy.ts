/**
 * The mail policy: never answer a machine, and never flood one address. Pure rules; the
 * counters they need live in an adapter.
 */

/** Acknowledgements to one address within one window; more are not sent (SPEC §5). */
export const ACKNOWLEDGEMENT_LIMIT = { max: 5, windowSeconds: 60 * 60 };

/**
 * Acknowledgements per hour, sliding (SPEC §14): per normalised mailbox, per domain of the
 * address, and per client address of the web form. The ticket is made whatever the limit
 * says; only its acknowledgement is not sent.
 */
export interface AcknowledgementLimits {
  /** Per mailbox (`ACK_LIMIT_MAILBOX`, default 5). */
  mailbox: number;
  /** Per mail domain (`ACK_LIMIT_DOMAIN`, default 50). */
  domain: number;
  /** Per client network address of the form (`ACK_LIMIT_CLIENT`, default 20). */
  client: number;
  /** The sliding window, in seconds (an hour). */
  windowSeconds: number;
}

/**
 * The defaults: 5 per mailbox is the SPEC's limit; 50 per domain lets a large customer
 * (or a free-mail provider) write dozens of tickets an hour while stopping a bomb that
 * varies the mailbox; 20 per client address allows an office behind one NAT address.
 */
export const DEFAULT_ACKNOWLEDGEMENT_LIMITS: AcknowledgementLimits = {
  mailbox: ACKNOWLEDGEMENT_LIMIT.max,
  domain: 50,
  client: 20,
  windowSeconds: ACKNOWLEDGEMENT_LIMIT.windowSeconds,
};

const MACHINE_SENDERS =
  /^(mailer-daemon|postmaster|mail-daemon|bounces?|listserv|majordomo)([+@-]|$)/i;
const NO_REPLY = /^(no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply)([+@-]|$)/i;

/** Headers as a parser gives them: lower-case names. */
export type MailHeaders = Record<string, string | undefined>;

/**
 * Why a mail must not be answered (RFC 3834 auto-replies, bulk and list mail, bounces and
 * delivery reports, mailer daemons); undefined when a person wrote it.
 */
export function automaticMailReason(headers: MailHeaders, from: string): string | undefined {
  const autoSubmitted = headers['auto-submitted']?.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = headers['precedence']?.trim().toLowerCase();
  if (precedence && ['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) {
    return `Precedence: ${precedence}`;
  }
  if (headers['list-id'] || headers['list-unsubscribe']) return 'mailing list';
  if (
    headers['x-autoreply'] ||
    headers['x-autorespond'] ||
    headers['x-auto-response-suppress']?.match(/all|oof|autoreply/i)
  ) {
    return 'auto-responder';
  }
  if (/multipart\/report/i.test(headers['content-type'] ?? ''))
    return 'delivery status notification';
  if (headers['return-path']?.trim() === '<>') return 'bounce (empty return path)';
  if (MACHINE_SENDERS.test(from.trim())) return `machine sender ${from.split('@')[0] ?? ''}`;
  return undefined;
}

/** Addresses that say they read nothing: they get no acknowledgement. */
export function isNoReplyAddress(address: string): boolean {
  return NO_REPLY.test(address.trim());
}

/** The start of the rate-limit window an instant falls in (epoch seconds). */
export function rateWindowStart(now: Date, windowSeconds: number): number {
  const seconds = Math.floor(now.getTime() / 1000);
  return seconds - (seconds % windowSeconds);
}
