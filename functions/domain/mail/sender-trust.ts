/**
 * Who may add to a ticket by mail (SPEC §14): SES's verdicts on a received mail, whether
 * they authenticate its sender, and what becomes of a mail that names a ticket. Pure rules;
 * the intake (functions/app/intake-mail.ts) looks up the facts they need.
 */

/** The statuses SES gives each verdict of a receipt notification. */
export const VERDICT_STATUSES = ['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED'] as const;
export type VerdictStatus = (typeof VERDICT_STATUSES)[number];

/** SES's five verdicts on one received mail. */
export interface MailVerdicts {
  spf: VerdictStatus;
  dkim: VerdictStatus;
  dmarc: VerdictStatus;
  spam: VerdictStatus;
  virus: VerdictStatus;
}

/** Verdicts of a mail nothing was found wrong with (the local SMTP intake's default). */
export const ALL_PASS: MailVerdicts = {
  spf: 'PASS',
  dkim: 'PASS',
  dmarc: 'PASS',
  spam: 'PASS',
  virus: 'PASS',
};

/**
 * A verdict status as SES wrote it; anything missing or unknown reads as `GRAY` (SES could
 * not say), so it never counts as a pass.
 */
export function verdictStatus(status: string | undefined): VerdictStatus {
  const upper = status?.trim().toUpperCase();
  return VERDICT_STATUSES.find((s) => s === upper) ?? 'GRAY';
}

/**
 * What the intake does with a mail before reading it:
 * - `refuse`: spam or virus `FAIL` — no ticket, no acknowledgement (SPEC §5);
 * - `unsure`: spam or virus not `PASS` (`GRAY`, `PROCESSING_FAILED`, `DISABLED`): taken in,
 *   since losing a customer's mail is worse than reading a spam, but nothing is sent in
 *   answer (no backscatter from our signed domain), and while the virus scan did not pass
 *   no attachment is stored;
 * - `accept`: both `PASS`.
 */
export type Admission =
  | { admit: 'refuse'; reason: string }
  | { admit: 'unsure'; reason: string; keepAttachments: boolean }
  | { admit: 'accept' };

export function admissionOf(verdicts: Pick<MailVerdicts, 'spam' | 'virus'>): Admission {
  if (verdicts.virus === 'FAIL') return { admit: 'refuse', reason: 'virus verdict FAIL' };
  if (verdicts.spam === 'FAIL') return { admit: 'refuse', reason: 'spam verdict FAIL' };
  if (verdicts.spam !== 'PASS' || verdicts.virus !== 'PASS') {
    return {
      admit: 'unsure',
      reason: `spam verdict ${verdicts.spam}, virus verdict ${verdicts.virus}`,
      keepAttachments: verdicts.virus === 'PASS',
    };
  }
  return { admit: 'accept' };
}

/** How far SES's checks vouch for the address in `From`. */
export type SenderAuthentication =
  /** DMARC passed, or SPF and DKIM passed for domains aligned with `From`. */
  | 'authenticated'
  /** Nothing failed, nothing proved the address either (e.g. no DMARC record). */
  | 'unauthenticated'
  /** SPF, DKIM or DMARC failed: the `From` may be forged. */
  | 'failed';

/**
 * Whether the mail's `From` is proven: DMARC `PASS` (DMARC checks alignment itself), or SPF
 * `PASS` for an envelope sender and DKIM `PASS` for a signing domain that are both aligned
 * with `From` (relaxed alignment: the same domain or one a subdomain of the other). Any
 * `FAIL` of the three wins: SPEC §14 admits no mail whose SPF, DKIM or DMARC failed.
 */
export function senderAuthentication(
  verdicts: Pick<MailVerdicts, 'spf' | 'dkim' | 'dmarc'>,
  from: string,
  evidence: { envelopeFrom?: string; dkimDomain?: string } = {},
): SenderAuthentication {
  if ([verdicts.spf, verdicts.dkim, verdicts.dmarc].includes('FAIL')) return 'failed';
  if (verdicts.dmarc === 'PASS') return 'authenticated';
  const fromDomain = domainOf(from);
  const spfAligned =
    verdicts.spf === 'PASS' && aligned(domainOf(evidence.envelopeFrom ?? ''), fromDomain);
  const dkimAligned =
    verdicts.dkim === 'PASS' && aligned(normalize(evidence.dkimDomain ?? ''), fromDomain);
  return spfAligned && dkimAligned ? 'authenticated' : 'unauthenticated';
}

/** The signing domain (`d=`) of a `DKIM-Signature` header, lower case. */
export function dkimSigningDomain(header: string | undefined): string | undefined {
  const domain = /(?:^|;)\s*d\s*=\s*([^;\s]+)/i.exec(header ?? '')?.[1];
  return domain ? normalize(domain) : undefined;
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : normalize(address.slice(at + 1));
}

function normalize(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}

/** Relaxed alignment without a public-suffix list: equal, or one under the other. */
function aligned(a: string, b: string): boolean {
  if (!a || !b || !a.includes('.') || !b.includes('.')) return false;
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

/** How the sender of a mail that names a ticket stands to that ticket. */
export type SenderRelation =
  /** The ticket's requester. */
  | 'requester'
  /** A contact of the ticket's customer, or an address in the customer's mail domains. */
  | 'customer'
  /** Someone we know, but not for this ticket: another customer's contact or domain, a confirmed address. */
  | 'known'
  /** Nobody we know. */
  | 'stranger';

/**
 * What becomes of a mail that names a ticket (SPEC §14):
 * - `append`: a customer message on the ticket (which may reopen it);
 * - `linked-ticket`: a new ticket of the sender's own that links to the named one;
 * - `unverified-note`: an internal note on the named ticket, marked unverified: agents see
 *   it, the customer never does, nothing is reopened, nothing is sent.
 */
export type ReplyDecision =
  | { action: 'append' }
  | { action: 'linked-ticket'; reason: string }
  | { action: 'unverified-note'; reason: string };

/**
 * Only the requester and the people of the ticket's customer may write into a ticket, and
 * only when SES found nothing failing. Known senders who are not the ticket's people, and
 * strangers whose address SES authenticated, get a ticket of their own that links to the
 * named one (they get an acknowledgement, as anyone writing to support does); a mail whose
 * sender failed authentication, or a stranger nothing authenticates, is kept as an
 * unverified internal note — a forged address gets no ticket and no mail in its name.
 */
export function decideReply(
  relation: SenderRelation,
  authentication: SenderAuthentication,
): ReplyDecision {
  if (authentication === 'failed') {
    return { action: 'unverified-note', reason: 'SPF, DKIM or DMARC failed for the sender' };
  }
  if (relation === 'requester' || relation === 'customer') return { action: 'append' };
  if (relation === 'known') {
    return { action: 'linked-ticket', reason: "the sender is not one of the ticket's people" };
  }
  // A stranger whose address SES proved (a colleague forwarding, a partner copied in) is a
  // person writing to support: their own ticket, linked. One nothing proves may be anyone
  // using any address, so they get no ticket and no mail in that address's name.
  if (authentication === 'authenticated') {
    return { action: 'linked-ticket', reason: 'the sender is nobody we know for this ticket' };
  }
  return { action: 'unverified-note', reason: 'the sender is nobody we know, unauthenticated' };
}
