import { createHash } from 'node:crypto';
import { hashAccessToken } from '../domain/access-token';
import { berlinDay } from '../domain/calendar';
import { isContractActiveOn, normalizeEmail } from '../domain/customer';
import { UnprocessableError } from '../domain/errors';
import { outboxEvents } from '../domain/mail/outbox-event';
import type { Channel, Locale, Severity, Ticket, VerificationMethod } from '../domain/ticket';
import { formatTicketId } from '../domain/ticket-number';
import type { CustomerMatch, IdempotentSubmission, StoredTicket, TicketDeps } from './ports';

export interface TicketSubmission {
  name: string;
  /** Absent only for phone tickets from unknown callers. */
  email?: string;
  subject: string;
  description: string;
  severity: Severity;
  locale: Locale;
  phone?: string;
  channel: Channel;
}

export interface SubmittedTicket {
  ticket: Ticket;
  /** Shown once; the customer's key to the ticket. */
  accessToken: string;
  /** True when an earlier request with the same Idempotency-Key made this ticket. */
  replayed: boolean;
}

/**
 * Takes a ticket from any channel: numbers it, decides its group from the sender's
 * contract on the day of receipt, and puts it in the queue. With an idempotency key, a
 * retried submission returns the ticket the first one made, never a second ticket.
 */
export async function submitTicket(
  deps: TicketDeps,
  submission: TicketSubmission,
  idempotencyKey?: string,
  options: {
    /** The customer's Message-ID, when the ticket came by mail. */
    inReplyTo?: string;
    /** The customer, when the channel found it already (by phone number). */
    customer?: CustomerMatch;
    /** What makes two submissions under one idempotency key the same; the content by default. */
    fingerprint?: string;
    /** The channel proved the sender's address (a mail whose DMARC passed). */
    verifiedBy?: VerificationMethod;
    /** The ticket a mail named that this one was opened about (SPEC §14). */
    relatedTicketId?: string;
    /**
     * Whether to acknowledge; false for mail SES could not clear of spam or viruses, or
     * whose SPF, DKIM or DMARC failed, so nothing is sent in answer to it. @default true
     */
    acknowledge?: boolean;
  } = {},
): Promise<SubmittedTicket> {
  let planned: IdempotentSubmission = {
    fingerprint: options.fingerprint ?? fingerprintOf(submission),
    ticketId: formatTicketId(await deps.ticketNumbers.next()),
    receivedAt: deps.clock.now().toISOString(),
    accessToken: deps.newAccessToken(),
  };
  let replayed = false;
  if (idempotencyKey !== undefined) {
    const earlier = await deps.idempotency.claim(idempotencyKey, planned);
    if (earlier) {
      if (earlier.fingerprint !== planned.fingerprint) {
        throw new UnprocessableError(
          'This Idempotency-Key was already used for a different ticket submission.',
        );
      }
      planned = earlier;
      replayed = true;
    }
  }

  const email = submission.email ? normalizeEmail(submission.email) : undefined;
  const [customer, proven] = await Promise.all([
    options.customer ?? (email ? deps.customers.findBySender(email) : undefined),
    // A confirmed address stays confirmed for later tickets (SPEC §14).
    email && !options.verifiedBy ? deps.verifiedAddresses.get(email) : undefined,
  ]);
  const verifiedBy = email ? (options.verifiedBy ?? proven?.method) : undefined;
  const group = isContractActiveOn(customer?.contract, berlinDay(planned.receivedAt))
    ? 'contract'
    : 'standard';
  const ticket: StoredTicket = {
    ticketId: planned.ticketId,
    status: 'open',
    group,
    severity: submission.severity,
    receivedAt: planned.receivedAt,
    subject: submission.subject,
    description: submission.description,
    channel: submission.channel,
    locale: submission.locale,
    requester: {
      name: submission.name,
      ...(email ? { email } : {}),
      ...(submission.phone ? { phone: submission.phone } : {}),
    },
    ...(customer ? { customer: { id: customer.customerId, name: customer.name } } : {}),
    requesterVerified: verifiedBy !== undefined,
    ...(verifiedBy ? { requesterVerifiedBy: verifiedBy } : {}),
    ...(options.relatedTicketId ? { relatedTicketId: options.relatedTicketId } : {}),
    updatedAt: planned.receivedAt,
    version: 1,
    accessTokenHash: hashAccessToken(planned.accessToken),
  };

  let stored: StoredTicket = ticket;
  if (!(await deps.tickets.create(ticket))) {
    // Under an idempotency key a concurrent retry may have stored the planned ticket first.
    const existing =
      idempotencyKey !== undefined ? await deps.tickets.get(ticket.ticketId) : undefined;
    if (!existing) throw new Error(`ticket number ${ticket.ticketId} was handed out twice`);
    stored = existing;
  }
  if (email && options.verifiedBy) {
    await deps.verifiedAddresses.record(email, options.verifiedBy, planned.receivedAt);
  }
  if (options.acknowledge !== false) {
    await acknowledge(deps, stored.ticketId, planned.accessToken, options.inReplyTo);
  }
  return { ticket: stored, accessToken: planned.accessToken, replayed };
}

/**
 * Queues the acknowledgement. The ticket is stored by now, so a failure here must not turn
 * the submission into an error (a retry without Idempotency-Key would make a second
 * ticket): it is logged for the alarm, and a retry with the key queues it again — the
 * mailer sends one mail per event however often it is queued.
 */
async function acknowledge(
  deps: TicketDeps,
  ticketId: string,
  accessToken: string,
  inReplyTo?: string,
) {
  try {
    await deps.outbox.publish(outboxEvents.acknowledgement(ticketId, accessToken, inReplyTo));
  } catch (error) {
    console.error(
      JSON.stringify({
        level: 'ERROR',
        message: 'acknowledgement not queued',
        ticketId,
        error: (error as Error).message,
      }),
    );
  }
}

function fingerprintOf(submission: TicketSubmission): string {
  const canonical = JSON.stringify(
    Object.entries(submission).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return createHash('sha256').update(canonical).digest('base64url');
}
