import {
  DEFAULT_ACKNOWLEDGEMENT_LIMITS,
  isNoReplyAddress,
  suppressedMailReason,
} from '../domain/mail/mail-policy';
import { normalizeMailbox } from '../domain/mail/mailbox';
import type { OutboxEvent, TicketEvent } from '../domain/mail/outbox-event';
import type { RenderedMail } from '../domain/mail/rendered-mail';
import { addressHash } from '../domain/privacy';
import { renderAcknowledgement } from '../domain/mail/templates/acknowledgement';
import { renderAgentReply } from '../domain/mail/templates/agent-reply';
import { renderBillingNotice } from '../domain/mail/templates/billing-notice';
import { renderFinanceNotice } from '../domain/mail/templates/finance-notice';
import { renderSlaEscalation } from '../domain/mail/templates/sla-escalation';
import { threadHeaders } from '../domain/mail/threading';
import { planPortalSignInMail } from './portal';
import type { MailerDeps, OutgoingMail } from './mail-ports';
import type { StoredTicket } from './ports';
import { CONFIRMATION_DAYS } from './verify-requester';

/**
 * How long a worker may hold an event before another may retry it, unless the settings say
 * otherwise. A worker that dies between SES's answer and writing the record leaves the
 * lease to run out, and the retry after it sends that one mail a second time: SES takes no
 * idempotency key, so this is the one place a crash can duplicate a mail.
 */
const LEASE_SECONDS = 120;

export type DeliveryOutcome =
  | { outcome: 'sent'; providerMessageId: string }
  | { outcome: 'duplicate' }
  | { outcome: 'suppressed'; reason: string };

/**
 * How old a lease may be while its worker is taken to be still sending. A live worker
 * sends within seconds (claim, reads, SES, record); an older lease was most likely left by
 * one that died, and only its end lets the event go again.
 */
const LIVE_HOLDER_SECONDS = 5;

/**
 * How long to wait for another worker's lease with `leftSeconds` of `leaseSeconds` to go:
 * nothing beyond the usual backoff while it is young (its worker is likely still sending),
 * else until a second after it has run out.
 */
export function waitForHolder(leftSeconds: number, leaseSeconds: number): number | undefined {
  const left = Math.max(0, leftSeconds);
  const age = leaseSeconds - left;
  return age >= Math.min(LIVE_HOLDER_SECONDS, leaseSeconds / 4) ? Math.ceil(left) + 1 : undefined;
}

/**
 * Thrown when another worker holds the same event: retry later. While that worker is
 * likely still sending, after the queue's usual backoff (the retry then finds the event
 * done); once its lease looks abandoned, after the rest of it (`retryAfterSeconds`).
 * Retrying sooner only spends receives: after a crash the backoff alone (10 s, 20 s, 40 s …)
 * used four of the five receives inside a 120 s lease, and a fifth refusal would have moved
 * the event to the dead-letter queue.
 */
export class DeliveryInProgressError extends Error {
  override name = 'DeliveryInProgressError';
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/**
 * Sends the mail of one outbox event, once: the event is claimed before sending and marked
 * sent after, so a redelivered event sends nothing. Policy first: no customer mail to an
 * address that bounced for good or complained, no acknowledgement to no-reply addresses,
 * at most a few per address and hour.
 */
export async function deliverMail(deps: MailerDeps, event: OutboxEvent): Promise<DeliveryOutcome> {
  const leaseSeconds = deps.settings.leaseSeconds ?? LEASE_SECONDS;
  // The reads go out with the claim: one wait for three store calls instead of three
  // waits one after another (the mailer's rate under load is its waits: issue 12). A
  // redelivered event wastes them; a read that fails counts only if it is used.
  const reads = startReads(deps, event);
  const claim = await deps.mailLog.claim(event.eventId, leaseSeconds);
  if (claim === 'done') return { outcome: 'duplicate' };
  if (claim !== 'go') {
    const left = claim.busyUntil - deps.clock.now().getTime() / 1000;
    throw new DeliveryInProgressError(
      `${event.eventId} is being sent`,
      waitForHolder(left, leaseSeconds),
    );
  }
  const acknowledgement = event.kind === 'acknowledgement';
  let planned: OutgoingMail | { suppressed: string };
  let providerMessageId: string;
  try {
    planned = await plan(deps, event, reads);
    if ('suppressed' in planned) {
      await deps.mailLog.suppress(event.eventId, planned.suppressed);
      if (acknowledgement) deps.metrics?.record('acknowledgementsSuppressed', 1);
      return { outcome: 'suppressed', reason: planned.suppressed };
    }
    ({ providerMessageId } = await deps.sender.send(planned));
  } catch (error) {
    if (acknowledgement) deps.metrics?.record('acknowledgementsFailed', 1);
    // Nothing went out: the next delivery of the event may try again at once.
    await deps.mailLog.release(event.eventId);
    throw error;
  }
  if (acknowledgement) {
    deps.metrics?.record('acknowledgementsSent', 1);
    if (planned.ticketReceivedAt) {
      const lag = deps.clock.now().getTime() - Date.parse(planned.ticketReceivedAt);
      deps.metrics?.record('acknowledgementLag', Math.max(0, lag));
    }
  }
  // Sent: if recording fails now, the claim stays until its lease runs out, and only a
  // retry after that could send the mail a second time.
  await deps.mailLog.recordSent({
    eventId: planned.eventId,
    ticketId: planned.ticketId,
    kind: planned.kind,
    to: planned.to,
    subject: planned.subject,
    ownMessageId: planned.messageId,
    providerMessageId,
    ...(planned.inReplyTo ? { inReplyTo: planned.inReplyTo } : {}),
    references: planned.references,
    sentAt: deps.clock.now().toISOString(),
  });
  return { outcome: 'sent', providerMessageId };
}

/** The reads a ticket's mail needs, started at once. */
interface TicketReads {
  ticket: Promise<StoredTicket | undefined>;
  /** Message ids of the ticket's thread (none read for an escalation, which stays out). */
  thread: Promise<string[]>;
}

function startReads(deps: MailerDeps, event: OutboxEvent): TicketReads | undefined {
  if (event.kind === 'finance-notice' || event.kind === 'portal-sign-in') return undefined;
  return ticketReads(deps, event);
}

function ticketReads(
  deps: MailerDeps,
  event: Exclude<OutboxEvent, { kind: 'finance-notice' | 'portal-sign-in' }>,
): TicketReads {
  const reads: TicketReads = {
    ticket: deps.tickets.get(event.ticketId),
    thread:
      event.kind === 'sla-escalation' ? Promise.resolve([]) : deps.mailLog.thread(event.ticketId),
  };
  // Unused when the event turns out done, busy or suppressed: no unhandled rejection then.
  reads.ticket.catch(() => undefined);
  reads.thread.catch(() => undefined);
  return reads;
}

async function plan(
  deps: MailerDeps,
  event: OutboxEvent,
  reads: TicketReads | undefined,
): Promise<OutgoingMail | { suppressed: string }> {
  if (event.kind === 'finance-notice') return financeNotice(deps, event);
  if (event.kind === 'portal-sign-in') {
    const suppressed = await suppressedRecipient(deps, event.kind, event.email);
    return suppressed ? { suppressed } : planPortalSignInMail(deps, event);
  }
  const { ticket: ticketRead, thread } = reads ?? ticketReads(deps, event);
  const ticket = await ticketRead;
  if (!ticket) return { suppressed: `ticket ${event.ticketId} does not exist` };
  if (event.kind === 'sla-escalation') return slaEscalation(deps, event, ticket);
  const to = ticket.requester.email;
  if (!to) return { suppressed: `no mail address for ticket ${ticket.ticketId}` };
  const suppressed = await suppressedRecipient(deps, event.kind, to);
  if (suppressed) return { suppressed };
  const statusUrl = `${deps.settings.publicUrl}/status.html?ticket=${encodeURIComponent(ticket.ticketId)}`;

  let rendered: RenderedMail;
  let autoSubmitted: OutgoingMail['autoSubmitted'];
  switch (event.kind) {
    case 'acknowledgement': {
      if (isNoReplyAddress(to)) return { suppressed: 'no acknowledgement to a no-reply address' };
      const limited = await acknowledgementLimitReached(deps, event, to);
      if (limited) return { suppressed: `acknowledgement rate limit per ${limited} reached` };
      const accessToken = await deps.accessTokens.tokenFor(ticket.ticketId, event.tokenNonce);
      // A standard ticket still waiting learns how many requests waited before it at
      // receipt (SPEC §10): the figure stored with it then, however late this mail goes.
      const atReceipt = ticket.aheadAtReceipt;
      const waitingBefore =
        ticket.group === 'standard' && ticket.status === 'open' && atReceipt
          ? atReceipt.contract + atReceipt.standard
          : undefined;
      // An unverified requester gets a link to prove the address theirs (SPEC §14). It
      // opens a page that asks for a click: link scanners fetch links, but do not post.
      const confirmUrl = ticket.requesterVerified
        ? undefined
        : `${deps.settings.publicUrl}/tickets/${encodeURIComponent(ticket.ticketId)}/confirm?code=${encodeURIComponent(
            await deps.confirmations.issue(
              ticket.ticketId,
              to,
              new Date(deps.clock.now().getTime() + CONFIRMATION_DAYS * 86_400_000),
            ),
          )}${ticket.locale === 'en' ? '&lang=en' : ''}`;
      rendered = renderAcknowledgement(
        {
          ...(waitingBefore !== undefined ? { waitingBefore } : {}),
          ticketId: ticket.ticketId,
          subject: ticket.subject,
          name: ticket.requester.name,
          group: ticket.group,
          severity: ticket.severity,
          statusUrl: `${statusUrl}&token=${encodeURIComponent(accessToken)}${ticket.locale === 'en' ? '&lang=en' : ''}`,
          accessToken,
          salesPhone: deps.settings.salesPhone,
          ...(ticket.group === 'contract' && ticket.sla
            ? {
                responseDue: {
                  at: ticket.sla.firstResponseDue,
                  timeZone: ticket.sla.timeZone ?? 'Europe/Berlin',
                },
              }
            : {}),
          ...(confirmUrl ? { confirmUrl } : {}),
        },
        ticket.locale,
      );
      autoSubmitted = 'auto-replied';
      break;
    }
    case 'agent-reply': {
      const message = await deps.messages.get(ticket.ticketId, event.messageId);
      if (!message || message.internal)
        return { suppressed: `no public message ${event.messageId}` };
      rendered = renderAgentReply(
        {
          ticketId: ticket.ticketId,
          subject: ticket.subject,
          agentName: message.author.name,
          body: message.body,
          statusUrl,
        },
        ticket.locale,
      );
      break;
    }
    case 'billing-notice': {
      const entries = await deps.workEntries.billableEntriesOf(ticket.ticketId);
      if (entries.length === 0) return { suppressed: 'nothing billable' };
      rendered = renderBillingNotice(
        {
          ticketId: ticket.ticketId,
          subject: ticket.subject,
          name: ticket.requester.name,
          entries,
        },
        ticket.locale,
      );
      autoSubmitted = 'auto-generated';
      break;
    }
  }
  return compose(deps, ticket, event, rendered, autoSubmitted, to, await thread);
}

/**
 * Why the policy holds back a mail of this kind to `to` (a permanent bounce or a complaint
 * SES reported, `functions/app/mail-feedback.ts`), before anything is rendered or counted.
 */
async function suppressedRecipient(
  deps: MailerDeps,
  kind: OutboxEvent['kind'],
  to: string,
): Promise<string | undefined> {
  const reason = suppressedMailReason(kind, await deps.suppressions.find(to));
  return reason === undefined ? undefined : `no mail to this address: ${reason}`;
}

/**
 * Counts the acknowledgement against each of its limits (SPEC §14) — the normalised
 * mailbox, its domain, and the web form's client address — in sliding windows; answers
 * which limit was reached, if one was. Limits are counted in that order and a count stays
 * once made, so a refused acknowledgement may still have used up a mailbox count: limits
 * err on the side of sending less.
 */
async function acknowledgementLimitReached(
  deps: MailerDeps,
  event: Extract<OutboxEvent, { kind: 'acknowledgement' }>,
  to: string,
): Promise<'mailbox' | 'domain' | 'client' | undefined> {
  const limits = deps.settings.acknowledgementLimits ?? DEFAULT_ACKNOWLEDGEMENT_LIMITS;
  const { mailbox, domain } = normalizeMailbox(to);
  const counted: ['mailbox' | 'domain' | 'client', string, number][] = [
    // The mailbox by its hash: the counter holds no address (SPEC §13).
    ['mailbox', `ack:${addressHash(mailbox)}`, limits.mailbox],
    ['domain', `ack-domain:${domain}`, limits.domain],
    ...(event.client
      ? [['client', `ack-client:${event.client}`, limits.client] as ['client', string, number]]
      : []),
  ];
  for (const [which, key, max] of counted) {
    if (!(await deps.rateLimiter.tryConsume(key, event.eventId, max, limits.windowSeconds))) {
      return which;
    }
  }
  return undefined;
}

function financeNotice(
  deps: MailerDeps,
  event: Extract<OutboxEvent, { kind: 'finance-notice' }>,
): OutgoingMail {
  const rendered = renderFinanceNotice({
    month: event.month,
    files: event.files,
    entries: event.entries,
    amountCents: event.amountCents,
    financeUrl: `${deps.settings.publicUrl}/finance.html?month=${event.month}`,
  });
  return {
    eventId: event.eventId,
    kind: event.kind,
    from: deps.settings.supportAddress,
    to: deps.settings.financeAddress,
    ...rendered,
    messageId: newMessageId(deps),
    references: [],
    autoSubmitted: 'auto-generated',
  };
}

/**
 * An escalation goes to the agents, never to the customer, and stays out of the ticket's
 * thread (no ticket id): a customer's reply must never be matched through it.
 */
function slaEscalation(
  deps: MailerDeps,
  event: Extract<OutboxEvent, { kind: 'sla-escalation' }>,
  ticket: StoredTicket,
): OutgoingMail | { suppressed: string } {
  if (!ticket.sla) return { suppressed: `ticket ${ticket.ticketId} has no SLA` };
  let to = deps.settings.agentTeamAddress;
  if (event.recipient === 'assignee') {
    if (!event.assignee) return { suppressed: 'nobody holds the ticket' };
    to = event.assignee.includes('@')
      ? event.assignee
      : `${event.assignee}@${deps.settings.agentMailDomain}`;
  }
  const rendered = renderSlaEscalation({
    ticketId: ticket.ticketId,
    subject: ticket.subject,
    customerName: ticket.customer?.name ?? ticket.requester.name,
    severity: ticket.severity,
    stage: event.stage,
    due: event.stage.startsWith('firstResponse')
      ? ticket.sla.firstResponseDue
      : ticket.sla.resolutionDue,
    ...(event.assignee ? { assignee: event.assignee } : {}),
    consoleUrl: `${deps.settings.publicUrl}/console.html?ticket=${encodeURIComponent(ticket.ticketId)}`,
  });
  return {
    eventId: event.eventId,
    kind: event.kind,
    from: deps.settings.supportAddress,
    to,
    ...rendered,
    messageId: newMessageId(deps),
    references: [],
    autoSubmitted: 'auto-generated',
  };
}

/**
 * Our own Message-ID for a mail: random, never built from the ticket number or the event,
 * so nobody can name one of our mails in `In-Reply-To` without having received it.
 */
function newMessageId(deps: MailerDeps): string {
  const domain = deps.settings.supportAddress.split('@')[1] ?? 'servicedesk.invalid';
  return `<${deps.newMessageIdLocalPart()}@${domain}>`;
}

function compose(
  deps: MailerDeps,
  ticket: StoredTicket,
  event: TicketEvent,
  rendered: RenderedMail,
  autoSubmitted: OutgoingMail['autoSubmitted'],
  to: string,
  threadIds: string[],
): OutgoingMail {
  const answered = event.kind === 'acknowledgement' && event.inReplyTo ? [event.inReplyTo] : [];
  const thread = threadHeaders([...answered, ...threadIds]);
  return {
    eventId: event.eventId,
    ticketId: ticket.ticketId,
    kind: event.kind,
    from: deps.settings.supportAddress,
    to,
    toName: ticket.requester.name,
    ...rendered,
    messageId: newMessageId(deps),
    ...(thread.inReplyTo ? { inReplyTo: thread.inReplyTo } : {}),
    references: thread.references,
    ...(autoSubmitted ? { autoSubmitted } : {}),
    ticketReceivedAt: ticket.receivedAt,
  };
}
