import type { SentMail } from '../app/mail-ports';
import type { StoredTicket } from '../app/ports';
import type { SubjectPart } from '../app/privacy';
import type { QueueInfo } from '../app/queue-standing';
import type { TicketMessage } from '../domain/message';
import { slaView, type SlaClock } from '../domain/service-levels/sla-clock';
import type { Ticket } from '../domain/ticket';
import type { WorkEntry } from '../domain/work-entry';

/** `sla` of a contract ticket (SPEC §9) at `now`; standard tickets have none. */
function slaOf(ticket: Ticket, now: Date) {
  return ticket.group === 'contract' && ticket.sla ? { sla: slaView(ticket.sla, now) } : {};
}

/**
 * For agents: how close a contract ticket is to missing a target. `at-risk` once a pending
 * target has used 80 % of its business time (when the team is warned), `breached` after.
 */
export function slaRisk(clock: SlaClock, now: Date): 'ok' | 'at-risk' | 'breached' {
  const view = slaView(clock, now);
  if (view.firstResponse === 'breached' || view.resolution === 'breached') return 'breached';
  const t = now.toISOString();
  const frRisk = view.firstResponse === 'pending' && t >= clock.firstResponseWarningAt;
  const resRisk = view.resolution === 'pending' && t >= clock.resolutionWarningAt;
  return frRisk || resRisk ? 'at-risk' : 'ok';
}

function agentSla(ticket: Ticket, now: Date) {
  return ticket.group === 'contract' && ticket.sla
    ? { sla: slaView(ticket.sla, now), slaRisk: slaRisk(ticket.sla, now) }
    : {};
}

/** What the customer sees of their ticket: no internal fields, no internal notes. */
export function customerView(
  ticket: Ticket,
  messages: TicketMessage[] = [],
  now = new Date(),
  queue?: QueueInfo,
) {
  return {
    ticketId: ticket.ticketId,
    status: ticket.status,
    group: ticket.group,
    severity: ticket.severity,
    receivedAt: ticket.receivedAt,
    updatedAt: ticket.updatedAt,
    subject: ticket.subject,
    description: ticket.description,
    channel: ticket.channel,
    locale: ticket.locale,
    attachments: ticket.attachments ?? [],
    ...slaOf(ticket, now),
    messages: messages.filter((m) => !m.internal).map(messageView),
    ...(queue ? { queue } : {}),
    // Only the number: the ticket it went into may be someone else's.
    ...(ticket.mergedInto ? { mergedInto: ticket.mergedInto.ticketId } : {}),
  };
}

/** Everything an agent may see (never the access token, nor its hash). */
export function agentView(
  ticket: StoredTicket,
  history?: { messages: TicketMessage[]; mails: SentMail[]; workEntries: WorkEntry[] },
  now = new Date(),
  /** Business minutes left to each due time (negative once passed), when known. */
  remaining?: { firstResponseMinutes: number | null; resolutionMinutes: number | null },
  queue?: QueueInfo,
) {
  // The stored clock's bookkeeping (targets, pauses, escalations) is not part of the view.
  const {
    accessTokenHash: _hash,
    pendingAcknowledgement: _pending,
    // What the acknowledgement told; the live position is `queue`.
    aheadAtReceipt: _ahead,
    sla: _clock,
    // The history has its own route (`GET /tickets/{ticketId}/history`), paged.
    history: _history,
    // Bookkeeping of the history's `erasure` records, which tell it.
    authorErasures: _authorErasures,
    ...rest
  } = ticket;
  return {
    ...rest,
    ...agentSla(ticket, now),
    ...(remaining && ticket.group === 'contract' && ticket.sla ? { slaRemaining: remaining } : {}),
    customer: customerOf(ticket),
    ...(queue ? { queue } : {}),
    requesterVerified: ticket.requesterVerified === true,
    requesterVerifiedBy: ticket.requesterVerifiedBy ?? null,
    relatedTicketId: ticket.relatedTicketId ?? null,
    ...(history
      ? {
          messages: history.messages.map(messageView),
          workEntries: history.workEntries,
          mails: history.mails.map((mail) => ({
            kind: mail.kind,
            to: mail.to,
            subject: mail.subject,
            sentAt: mail.sentAt,
            messageId: mail.providerMessageId,
            ownMessageId: mail.ownMessageId,
            inReplyTo: mail.inReplyTo ?? null,
            references: mail.references ?? [],
          })),
        }
      : {}),
  };
}

export function messageView(message: TicketMessage) {
  return {
    messageId: message.messageId,
    author: message.author,
    body: message.body,
    internal: message.internal,
    channel: message.channel,
    createdAt: message.createdAt,
    attachments: message.attachments ?? [],
    ...(message.unverified ? { unverified: true as const } : {}),
  };
}

/** One line of the queue. */
export function queueItem(ticket: Ticket, now = new Date()) {
  return {
    ticketId: ticket.ticketId,
    group: ticket.group,
    severity: ticket.severity,
    receivedAt: ticket.receivedAt,
    subject: ticket.subject,
    customer: customerOf(ticket),
    requester: { name: ticket.requester.name, email: ticket.requester.email ?? null },
    ...agentSla(ticket, now),
    /** Whether the requester's address is proven theirs (SPEC §14); the group follows it anyway. */
    requesterVerified: ticket.requesterVerified === true,
  };
}

/** One of an agent's tickets in hand: the queue entry plus where it stands. */
export function heldItem(ticket: Ticket, now = new Date()) {
  return { ...queueItem(ticket, now), status: ticket.status, updatedAt: ticket.updatedAt };
}

/** Senders no customer is known for show as a customer without id. */
function customerOf(ticket: Ticket): { id: string | null; name: string } {
  return ticket.customer ?? { id: null, name: ticket.requester.name };
}

/** Who sent a ticket, as colleagues in the portal see it. */
function requesterOf(ticket: Ticket) {
  return { name: ticket.requester.name, email: ticket.requester.email ?? null };
}

/** One line of the portal's ticket list. */
export function portalItem(ticket: Ticket) {
  return {
    ticketId: ticket.ticketId,
    status: ticket.status,
    group: ticket.group,
    severity: ticket.severity,
    receivedAt: ticket.receivedAt,
    updatedAt: ticket.updatedAt,
    subject: ticket.subject,
    requester: requesterOf(ticket),
  };
}

/** A ticket in the portal: the customer's view, and who sent it. */
export function portalTicketView(
  ticket: Ticket,
  messages: TicketMessage[] = [],
  now = new Date(),
  queue?: QueueInfo,
) {
  return { ...customerView(ticket, messages, now, queue), requester: requesterOf(ticket) };
}

/**
 * A message in someone's data export: another customer's name and address (a colleague
 * writing into the person's ticket) are not the person's data and are left out (GDPR
 * Art. 15(4)); that colleague's own export lists the message with them.
 */
function withoutOtherPeople(message: TicketMessage, email: string): TicketMessage {
  const { author } = message;
  if (author.kind !== 'customer' || author.email === undefined) return message;
  if (author.email.toLowerCase() === email.toLowerCase()) return message;
  return { ...message, author: { kind: 'customer', name: '[another person]' } };
}

/**
 * The person's data export (`GET /privacy/subjects`) as JSON text, written part by part as
 * the parts are read: what the customer sees (public messages), mails, files and billed
 * work; internal notes are staff's and stay out.
 */
export async function* subjectDocument(
  email: string,
  now: Date,
  parts: AsyncIterable<SubjectPart>,
): AsyncIterable<string> {
  yield `{"email":${JSON.stringify(email)},"generatedAt":${JSON.stringify(now.toISOString())}`;
  let tickets = 0;
  let elsewhere = -1;
  for await (const part of parts) {
    if (part.kind === 'contacts') yield `,"contacts":${JSON.stringify(part.contacts)}`;
    else if (part.kind === 'verified') {
      yield `,"verifiedAddress":${JSON.stringify(part.verified)}`;
    } else if (part.kind === 'elsewhere') {
      // The tickets come first, all of them: their list is closed before this one opens.
      if (elsewhere < 0) {
        yield tickets === 0 ? ',"tickets":[],"messagesElsewhere":[' : '],"messagesElsewhere":[';
        elsewhere = 0;
      }
      const entry = {
        ticketId: part.ticketId,
        messages: part.messages.map(messageView),
        attachments: part.attachments,
      };
      yield `${elsewhere === 0 ? '' : ','}${JSON.stringify(entry)}`;
      elsewhere++;
    } else {
      const { ticket } = part;
      const entry = {
        ticketId: ticket.ticketId,
        status: ticket.status,
        receivedAt: ticket.receivedAt,
        updatedAt: ticket.updatedAt,
        channel: ticket.channel,
        subject: ticket.subject,
        description: ticket.description,
        requester: ticket.requester,
        customer: ticket.customer ?? null,
        messages: part.messages
          .filter((m) => !m.internal)
          .map((m) => messageView(withoutOtherPeople(m, email))),
        mails: part.mails.map(({ direction, at, kind, to, subject }) => ({
          direction,
          at,
          ...(kind !== undefined ? { kind } : {}),
          ...(to !== undefined ? { to } : {}),
          ...(subject !== undefined ? { subject } : {}),
        })),
        attachments: part.attachments,
        workEntries: part.workEntries.map((w) => ({
          entryId: w.entryId,
          date: w.date,
          minutes: w.minutes,
          serviceCode: w.serviceCode,
          serviceName: w.serviceName,
          description: w.description,
          billableMinutes: w.billableMinutes,
          amountCents: w.amountCents,
          currency: w.currency,
        })),
      };
      yield `${tickets === 0 ? ',"tickets":[' : ','}${JSON.stringify(entry)}`;
      tickets++;
    }
  }
  if (elsewhere >= 0) yield ']}';
  else yield tickets === 0 ? ',"tickets":[],"messagesElsewhere":[]}' : '],"messagesElsewhere":[]}';
}
