import { createHash, randomBytes } from 'node:crypto';
import type { Ticket, TicketStatus } from './ticket';

/**
 * The customer portal's rules (SPEC §11): who may sign in, what a signed-in person sees,
 * and the lifetimes of sign-in codes and sessions. Pure: no storage, no AWS.
 */

/** A sign-in link works this long, once. */
export const SIGN_IN_CODE_TTL_SECONDS = 15 * 60;
/** A portal session is a bearer token for the `/portal/…` routes this long. */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;
/**
 * Portal session tokens start with this, so that nobody (no verifier, no log scrubber, no
 * secret scanner) can take one for a staff JWT or the other way round.
 */
export const SESSION_TOKEN_PREFIX = 'sdp_';

/** What a signed-in person sees. */
export type PortalScope =
  | {
      /** A contact of a customer, or an address of its mail domains. */
      kind: 'customer';
      customerId: string;
      customerName: string;
      /** An admin marked the contact "own tickets only": only tickets they sent. */
      ownTicketsOnly: boolean;
    }
  | {
      /** Someone with tickets but no customer record: only their own tickets. */
      kind: 'requester';
    };

/** The portal's status filter: `open` is everything not yet done. */
export const PORTAL_STATUS_FILTERS = ['open', 'closed', 'all'] as const;
export type PortalStatusFilter = (typeof PORTAL_STATUS_FILTERS)[number];

const DONE: readonly TicketStatus[] = ['resolved', 'closed'];

/** The statuses a filter lets through; undefined for all. */
export function statusesOf(filter: PortalStatusFilter): readonly TicketStatus[] | undefined {
  if (filter === 'all') return undefined;
  if (filter === 'closed') return DONE;
  return ['open', 'in_progress', 'waiting_customer'];
}

/** The portal partition of a customer's tickets. */
export function customerPortalPartition(customerId: string): string {
  return `PORTAL#CUSTOMER#${customerId}`;
}

/**
 * The portal partition a ticket is listed in: its customer's, or (for a sender without a
 * customer record) its requester's address. Tickets without either (phone callers we know
 * no address for) are in no portal.
 */
export function portalPartitionOf(
  ticket: Pick<Ticket, 'customer' | 'requester'>,
): string | undefined {
  if (ticket.customer) return customerPortalPartition(ticket.customer.id);
  if (ticket.requester.email) return `PORTAL#REQUESTER#${ticket.requester.email.toLowerCase()}`;
  return undefined;
}

/** The partition the portal lists for a signed-in address and its scope. */
export function portalPartitionFor(email: string, scope: PortalScope): string {
  return scope.kind === 'customer'
    ? customerPortalPartition(scope.customerId)
    : `PORTAL#REQUESTER#${email.toLowerCase()}`;
}

/**
 * Whether the signed-in person may see the ticket. Everything else answers 404, exactly like
 * a ticket that does not exist, so ticket numbers of other customers cannot be probed.
 */
export function portalMaySee(
  email: string,
  scope: PortalScope,
  ticket: Pick<Ticket, 'customer' | 'requester'>,
): boolean {
  if (portalPartitionOf(ticket) !== portalPartitionFor(email, scope)) return false;
  if (scope.kind === 'customer' && scope.ownTicketsOnly) {
    return ticket.requester.email?.toLowerCase() === email.toLowerCase();
  }
  return true;
}

/** A new one-time secret (sign-in code or session token), 256 bits, URL-safe. */
export function newPortalSecret(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** What is stored of a code or session token: its SHA-256, never the secret itself. */
export function hashPortalSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** The name a signed-in person files tickets under: what we know, else the mailbox. */
export function displayNameOf(email: string, known?: string): string {
  const name = known?.trim();
  if (name) return name;
  return email.slice(0, email.indexOf('@')) || email;
}
