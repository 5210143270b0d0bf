import { NotFoundError } from '../domain/errors';
import { addressHash } from '../domain/privacy';
import type { VerificationMethod } from '../domain/ticket';
import { markRequesterVerified } from './change-ticket';
import type {
  AddressConfirmations,
  Clock,
  ServiceLevelPlans,
  StoredTicket,
  TicketRepository,
  VerifiedAddresses,
} from './ports';

export type VerificationDeps = {
  tickets: TicketRepository;
  verifiedAddresses: VerifiedAddresses;
  clock: Clock;
  /** A ticket change may move its SLA clock (functions/app/change-ticket.ts). */
  serviceLevels: ServiceLevelPlans;
};

/** How long the confirm link of an acknowledgement works. */
export const CONFIRMATION_DAYS = 30;

/**
 * An address was proven to belong to the person using it: it stays proven for later
 * tickets, and the ticket (if given) records that its requester is verified. The one entry
 * for every proof — mail authentication, the confirm link, and the portal's sign-in
 * (issue 13: call this with `'portal'` when a session is opened for a requester).
 */
export async function recordVerifiedRequester(
  deps: VerificationDeps,
  email: string,
  method: VerificationMethod,
  ticketId?: string,
): Promise<StoredTicket | undefined> {
  await deps.verifiedAddresses.record(email, method, deps.clock.now().toISOString());
  return ticketId ? markRequesterVerified(deps, ticketId, email, method) : undefined;
}

/**
 * `POST /tickets/{ticketId}/confirm`: the requester followed the confirm link of the
 * acknowledgement, so the address it was mailed to is theirs. A code that is unknown,
 * expired or for another ticket is a 404, indistinguishable from an unknown ticket;
 * confirming twice changes nothing.
 */
export async function confirmRequesterAddress(
  deps: VerificationDeps & { confirmations: AddressConfirmations },
  ticketId: string,
  code: string,
): Promise<StoredTicket> {
  const issued = await deps.confirmations.find(code);
  const invalid = () => new NotFoundError('This confirmation link is not valid or has expired.');
  if (!issued || issued.ticketId !== ticketId) throw invalid();
  // The code keeps only the address's hash: the address is the ticket's requester's, if
  // it is still the one the link was mailed to (and not erased since).
  const email = (await deps.tickets.get(ticketId))?.requester.email;
  if (!email || addressHash(email) !== issued.emailHash) throw invalid();
  const ticket = await recordVerifiedRequester(deps, email, 'confirm-link', ticketId);
  if (!ticket) throw new NotFoundError(`No ticket ${ticketId}.`);
  return ticket;
}
