import { ConflictError, ForbiddenError, NotFoundError } from '../domain/errors';
import type { Severity, TicketStatus } from '../domain/ticket';
import { assertTransition } from '../domain/ticket-status';
import type { Clock, StoredTicket, TicketRepository } from './ports';

type Deps = { tickets: TicketRepository; clock: Clock };

/** Attempts before a change that keeps losing races to other writers is given up (409). */
const ATTEMPTS = 5;

/**
 * Reads the ticket, applies `change` and writes it back only if nobody changed it in
 * between; on a lost race it reads again and re-applies, so concurrent edits never
 * overwrite each other.
 */
async function changeTicket(
  deps: Deps,
  ticketId: string,
  change: (ticket: StoredTicket) => StoredTicket,
): Promise<StoredTicket> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await deps.tickets.get(ticketId);
    if (!current) throw new NotFoundError(`No ticket ${ticketId}.`);
    const changed = change(current);
    if (changed === current) return current;
    const next = {
      ...changed,
      updatedAt: deps.clock.now().toISOString(),
      version: current.version + 1,
    };
    if (await deps.tickets.save(next, current.version)) return next;
  }
  throw new ConflictError(`Ticket ${ticketId} is being changed by someone else; try again.`);
}

export interface TicketChange {
  severity?: Severity;
  status?: TicketStatus;
}

/**
 * An agent changes severity and/or status. A new severity re-keys a waiting ticket in the
 * queue; `open → in_progress` claims this ticket for the agent; `→ open` puts it back at
 * its original place (its time of receipt never changes).
 */
export function updateTicket(
  deps: Deps,
  ticketId: string,
  agent: string,
  change: TicketChange,
): Promise<StoredTicket> {
  return changeTicket(deps, ticketId, (ticket) => {
    let next = ticket;
    if (change.status !== undefined && change.status !== ticket.status) {
      assertTransition(ticket.status, change.status);
      next = { ...next, status: change.status };
      if (change.status === 'in_progress' && ticket.status === 'open') next.assignee = agent;
      if (change.status === 'open') delete next.assignee;
    }
    if (change.severity !== undefined && change.severity !== ticket.severity) {
      next = { ...next, severity: change.severity };
    }
    return next;
  });
}

/** The agent holding a ticket gives it back; it returns to the queue at its original place. */
export function releaseTicket(deps: Deps, ticketId: string, agent: string): Promise<StoredTicket> {
  return changeTicket(deps, ticketId, (ticket) => {
    if (ticket.status !== 'in_progress' && ticket.status !== 'waiting_customer') {
      throw new ConflictError(`Ticket ${ticketId} is '${ticket.status}', not held by an agent.`);
    }
    if (ticket.assignee !== agent) {
      throw new ForbiddenError(`Ticket ${ticketId} is held by another agent.`);
    }
    const released: StoredTicket = { ...ticket, status: 'open' };
    delete released.assignee;
    return released;
  });
}

/** Moves one waiting ticket to another group (a contract started or ended). */
export function regroupTicket(
  deps: Deps,
  ticketId: string,
  group: StoredTicket['group'],
): Promise<StoredTicket> {
  return changeTicket(deps, ticketId, (ticket) =>
    ticket.status === 'open' && ticket.group !== group ? { ...ticket, group } : ticket,
  );
}
