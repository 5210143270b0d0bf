import { createHash } from 'node:crypto';
import { hashAccessToken } from '../domain/access-token';
import { createdRecord } from '../domain/history';
import { logLine } from '../domain/log-fields';
import { multiLineText, singleLineText } from '../domain/plain-text';
import { berlinDay } from '../domain/calendar';
import { isContractActiveOn, normalizeEmail } from '../domain/customer';
import { UnprocessableError } from '../domain/errors';
import { outboxEvents } from '../domain/mail/outbox-event';
import type { Channel, Locale, Severity, Ticket, VerificationMethod } from '../domain/ticket';
import { formatTicketId } from '../domain/ticket-number';
import { encodeQueueKey } from '../domain/queue-key';
import { startSlaClock } from './manage-service-levels';
import type {
  AcknowledgementEvent,
  CustomerMatch,
  IdempotentSubmission,
  OperationsLog,
  StoredTicket,
  TicketDeps,
} from './ports';

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
    /** The caller's network address (web form): counted by the per-client ack limit. */
    clientAddress?: string;
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
    tokenNonce: deps.accessTokens.newNonce(),
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

  // Derived once from the nonce (an HMAC): its hash is stored, the token itself answered.
  const accessToken = await deps.accessTokens.tokenFor(planned.ticketId, planned.tokenNonce);
  const email = submission.email ? normalizeEmail(submission.email) : undefined;
  // Every channel's text is cleaned here, whatever its own checks did (SPEC §14): a name or
  // subject never carries controls or bidi overrides into the console or a mail.
  const name = singleLineText(submission.name) || email || submission.phone || '?';
  const subject = singleLineText(submission.subject) || '-';
  const [customer, proven, aheadIfStandard] = await Promise.all([
    options.customer ?? (email ? deps.customers.findBySender(email) : undefined),
    // A confirmed address stays confirmed for later tickets (SPEC §14).
    email && !options.verifiedBy ? deps.verifiedAddresses.get(email) : undefined,
    // What its acknowledgement will tell if it is a standard ticket (SPEC §10: "at
    // receipt"), read beside the customer lookup that decides the group, so the submission
    // waits no longer; a retry's ticket is stored already and keeps its own figure.
    replayed ? undefined : aheadAtReceipt(deps, planned, submission.severity),
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
    subject,
    description: multiLineText(submission.description),
    channel: submission.channel,
    locale: submission.locale,
    requester: {
      name,
      ...(email ? { email } : {}),
      ...(submission.phone ? { phone: submission.phone } : {}),
    },
    ...(customer ? { customer: { id: customer.customerId, name: customer.name } } : {}),
    // A contract ticket's clock starts at receipt (the calendar moves it to the next opening).
    ...(group === 'contract'
      ? {
          sla: await startSlaClock(
            deps,
            customer?.contract?.serviceLevel,
            submission.severity,
            planned.receivedAt,
          ),
        }
      : {}),
    requesterVerified: verifiedBy !== undefined,
    ...(verifiedBy ? { requesterVerifiedBy: verifiedBy } : {}),
    ...(options.relatedTicketId ? { relatedTicketId: options.relatedTicketId } : {}),
    ...(group === 'standard' && aheadIfStandard ? { aheadAtReceipt: aheadIfStandard } : {}),
    updatedAt: planned.receivedAt,
    version: 1,
    accessTokenHash: hashAccessToken(accessToken),
    // Stored with the ticket, so that a crash or a queue error before the acknowledgement
    // is queued leaves it to the sweeper. It carries the token's nonce, never the token.
    ...(options.acknowledge === false
      ? {}
      : {
          pendingAcknowledgement: outboxEvents.acknowledgement(
            planned.ticketId,
            planned.tokenNonce,
            {
              ...(options.inReplyTo ? { inReplyTo: options.inReplyTo } : {}),
              ...(options.clientAddress ? { client: clientKey(options.clientAddress) } : {}),
            },
          ) as AcknowledgementEvent,
        }),
  };

  // Its first record is stored with the ticket itself (SPEC §13).
  ticket.history = [createdRecord(ticket)];
  let stored: StoredTicket = ticket;
  if (!(await deps.tickets.create(ticket))) {
    // Under an idempotency key a concurrent retry may have stored the planned ticket first.
    const existing =
      idempotencyKey !== undefined ? await deps.tickets.get(ticket.ticketId) : undefined;
    if (!existing) throw new Error(`ticket number ${ticket.ticketId} was handed out twice`);
    stored = existing;
  } else {
    // Counted where it is made, once: a replayed or concurrent retry stored nothing new.
    deps.metrics?.record('ticketsReceived', 1, { group, channel: submission.channel });
  }
  if (email && options.verifiedBy) {
    await deps.verifiedAddresses.record(email, options.verifiedBy, planned.receivedAt);
  }
  // Only a ticket that is to be acknowledged was stored with its acknowledgement pending.
  if (stored.pendingAcknowledgement) await acknowledge(deps, stored.pendingAcknowledgement);
  const { pendingAcknowledgement: _pending, aheadAtReceipt: _ahead, ...shown } = stored;
  return { ticket: shown, accessToken, replayed };
}

/**
 * The tickets waiting ahead of a new ticket, per group, were it a standard ticket (its key
 * in the standard part of the queue), read before it is stored. A failed read costs the
 * acknowledgement its sentence about the queue, never the ticket.
 */
async function aheadAtReceipt(
  deps: Pick<TicketDeps, 'queueCounters'>,
  planned: IdempotentSubmission,
  severity: Severity,
): Promise<Record<'contract' | 'standard', number> | undefined> {
  const key = encodeQueueKey({
    group: 'standard',
    severity,
    receivedAt: planned.receivedAt,
    ticketId: planned.ticketId,
  });
  try {
    const standing = await deps.queueCounters.aheadOfNew(key, new Date(planned.receivedAt));
    return { contract: standing.aheadContract, standard: standing.aheadStandard };
  } catch (error) {
    console.log(
      logLine('WARN', 'queue standing at receipt not read', {
        ticketId: planned.ticketId,
        error: (error as Error).name,
      }),
    );
    return undefined;
  }
}

/** The client address as the limit counts it: hashed, so no address is kept or logged. */
function clientKey(address: string): string {
  return createHash('sha256').update(address.trim().toLowerCase()).digest('base64url').slice(0, 22);
}

/**
 * The key a public caller's `Idempotency-Key` is stored under: a namespace of its own
 * (`public.`), so no key a stranger chooses can ever be one of the internal keys of the
 * mail intake (`mail.…`) or the voicemail hook (`voicemail.…`) and block or replay them.
 */
export function publicIdempotencyKey(key: string): string {
  return `public.${key}`;
}

/**
 * Queues the acknowledgement, then takes the pending mark off the ticket. The ticket and
 * its pending acknowledgement are stored by now, so a failure here must not turn the
 * submission into an error (a retry without Idempotency-Key would make a second ticket):
 * it is logged, and the acknowledgement sweeper queues it a little later. Queued twice (a
 * crash before the mark is taken off), it is still mailed once: the mailer sends one mail
 * per event id.
 */
export async function acknowledge(
  deps: Pick<TicketDeps, 'tickets' | 'outbox' | 'metrics' | 'log'>,
  event: AcknowledgementEvent,
): Promise<boolean> {
  // The function's logger, which puts the invocation's correlation id on the line; a
  // script without one still gets the allow-listed line on the console.
  const write: OperationsLog['write'] =
    deps.log?.write ?? ((level, message, fields) => console.log(logLine(level, message, fields)));
  try {
    await deps.outbox.publish(event);
  } catch (error) {
    // Counted (the stack alarms on the first one) and logged with the ticket's id.
    deps.metrics?.record('acknowledgementsNotQueued', 1);
    write('ERROR', 'acknowledgement not queued', {
      ticketId: event.ticketId,
      error: (error as Error).name,
      detail: (error as Error).message,
    });
    return false;
  }
  try {
    await deps.tickets.settleAcknowledgement(event.ticketId);
  } catch (error) {
    // Still marked: the sweeper queues it once more, and the mailer sends it once.
    write('WARN', 'acknowledgement queued but still marked pending', {
      ticketId: event.ticketId,
      error: (error as Error).name,
      detail: (error as Error).message,
    });
  }
  return true;
}

function fingerprintOf(submission: TicketSubmission): string {
  const canonical = JSON.stringify(
    Object.entries(submission).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return createHash('sha256').update(canonical).digest('base64url');
}
