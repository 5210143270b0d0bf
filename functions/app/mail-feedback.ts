import { createHash } from 'node:crypto';
import { normalizeEmail } from '../domain/customer';
import { suppressedRecipients, type MailFeedback } from '../domain/mail/mail-feedback';
import { sesMessageId } from '../domain/mail/threading';
import type { MailLog, Suppressions } from './mail-ports';
import type {
  CustomerRepository,
  MessageRepository,
  PortalTickets,
  StoredTicket,
  TicketRepository,
} from './ports';
import { ticketsRequestedBy } from './privacy';

/** What taking in SES's feedback needs. */
export interface MailFeedbackDeps {
  suppressions: Suppressions;
  tickets: Pick<TicketRepository, 'get'>;
  portalTickets: PortalTickets;
  customers: CustomerRepository;
  messages: Pick<MessageRepository, 'add'>;
  mailLog: Pick<MailLog, 'ticketOfMessageIds'>;
}

/** The mail the feedback is about, as SES's event names it. */
export interface FeedbackMail {
  /** SES's id of the mail (`mail.messageId`). */
  sesMessageId: string;
  /** The region SES sent it from: the mail's Message-ID is `<id@region.amazonses.com>`. */
  region: string;
  /** The ticket the mailer tagged the mail with (`mail.tags.ticket`), if any. */
  ticketId?: string;
}

/** What one report changed. */
export interface FeedbackOutcome {
  /** Addresses suppressed by it (none for a transient bounce). */
  suppressed: number;
  /** Tickets that got a note, by id. */
  notedTickets: string[];
}

/**
 * SES reported a bounce or a complaint about a mail we sent (SPEC §5, issue 16): an address
 * that bounced permanently or whose owner complained is suppressed — the mail policy sends
 * it no more acknowledgements, replies or notices — and each of its tickets that is not
 * closed gets an internal note saying so, with its history record, so that agents reach the
 * customer another way. The same report delivered twice has one effect (the suppression
 * keeps its first record, each note's id derives from the report and the ticket).
 */
export async function takeMailFeedback(
  deps: MailFeedbackDeps,
  feedback: MailFeedback,
  mail: FeedbackMail,
): Promise<FeedbackOutcome> {
  const outcome: FeedbackOutcome = { suppressed: 0, notedTickets: [] };
  const recipients = suppressedRecipients(feedback);
  if (recipients.length === 0) return outcome;
  const mailTicket = await ticketOfMail(deps, mail);
  for (const { email, suppression, note } of recipients) {
    const address = normalizeEmail(email);
    await deps.suppressions.record(address, suppression);
    outcome.suppressed++;
    const tickets = new Map<string, StoredTicket>();
    if (mailTicket && mailTicket.requester.email === address) {
      tickets.set(mailTicket.ticketId, mailTicket);
    }
    for await (const ticket of ticketsRequestedBy(deps, address)) {
      tickets.set(ticket.ticketId, ticket);
    }
    for (const ticket of tickets.values()) {
      if (ticket.status === 'closed') continue;
      await deps.messages.add({
        messageId: `fb${createHash('sha256')
          .update(`${feedback.feedbackId}\n${address}`)
          .digest('hex')
          .slice(0, 24)}`,
        ticketId: ticket.ticketId,
        author: { kind: 'agent', name: 'mail delivery' },
        body: note,
        internal: true,
        channel: 'email',
        createdAt: suppression.at,
      });
      outcome.notedTickets.push(ticket.ticketId);
    }
  }
  return outcome;
}

/** The ticket the mail was about: by the mailer's tag, else by its Message-ID. */
async function ticketOfMail(
  deps: MailFeedbackDeps,
  mail: FeedbackMail,
): Promise<StoredTicket | undefined> {
  const ticketId =
    mail.ticketId ??
    (await deps.mailLog.ticketOfMessageIds([sesMessageId(mail.sesMessageId, mail.region)]));
  return ticketId ? deps.tickets.get(ticketId) : undefined;
}
