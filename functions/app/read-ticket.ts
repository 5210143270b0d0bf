import { accessTokenMatches } from '../domain/access-token';
import { NotFoundError, UnauthorizedError } from '../domain/errors';
import { isAgent, type Principal } from '../domain/principal';
import type { MailLog, SentMail } from './mail-ports';
import type {
  MessageRepository,
  StoredTicket,
  TicketRepository,
  WorkEntryRepository,
} from './ports';
import type { WorkEntry } from '../domain/work-entry';
import type { TicketMessage } from '../domain/message';

export type TicketReader =
  { kind: 'agent'; ticket: StoredTicket } | { kind: 'customer'; ticket: StoredTicket };

/**
 * Loads a ticket for an agent, or for the customer who holds its access token. A wrong
 * token and an unknown ticket look the same from outside (404), so ticket numbers cannot
 * be probed.
 */
export async function readTicket(
  deps: { tickets: TicketRepository },
  ticketId: string,
  principal: Principal,
  accessToken?: string,
): Promise<TicketReader> {
  if (!isAgent(principal) && accessToken === undefined) {
    throw new UnauthorizedError('Send the ticket access token (X-Ticket-Token) or an agent token.');
  }
  const ticket = await deps.tickets.get(ticketId);
  if (ticket && isAgent(principal)) return { kind: 'agent', ticket };
  if (
    ticket &&
    accessToken !== undefined &&
    accessTokenMatches(accessToken, ticket.accessTokenHash)
  ) {
    return { kind: 'customer', ticket };
  }
  throw new NotFoundError(`No ticket ${ticketId} for this token.`);
}

export type TicketWithHistory =
  | {
      kind: 'agent';
      ticket: StoredTicket;
      messages: TicketMessage[];
      mails: SentMail[];
      workEntries: WorkEntry[];
    }
  | { kind: 'customer'; ticket: StoredTicket; messages: TicketMessage[] };

/** The ticket with its conversation (and, for agents, the mails sent on it). */
export async function readTicketWithHistory(
  deps: {
    tickets: TicketRepository;
    messages: MessageRepository;
    mailLog: MailLog;
    workEntries: Pick<WorkEntryRepository, 'entriesOf'>;
  },
  ticketId: string,
  principal: Principal,
  accessToken?: string,
): Promise<TicketWithHistory> {
  const read = await readTicket(deps, ticketId, principal, accessToken);
  const messages = await deps.messages.list(ticketId);
  if (read.kind === 'customer') return { ...read, messages };
  const [mails, workEntries] = await Promise.all([
    deps.mailLog.sentMails(ticketId),
    deps.workEntries.entriesOf(ticketId),
  ]);
  return { ...read, messages, mails, workEntries };
}
