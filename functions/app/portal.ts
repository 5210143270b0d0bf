import { berlinDay } from '../domain/calendar';
import { isContractActiveOn, type Contract } from '../domain/customer';
import { NotFoundError, TooManyRequestsError, UnauthorizedError } from '../domain/errors';
import { normalizeMailbox } from '../domain/mail/mailbox';
import { outboxEvents, type OutboxEvent } from '../domain/mail/outbox-event';
import { renderPortalSignIn } from '../domain/mail/templates/portal-sign-in';
import {
  displayNameOf,
  hashPortalSecret,
  newPortalSecret,
  portalMaySee,
  portalPartitionFor,
  type PortalScope,
  type PortalStatusFilter,
  SESSION_TOKEN_PREFIX,
  SESSION_TTL_SECONDS,
  SIGN_IN_CODE_TTL_SECONDS,
  statusesOf,
} from '../domain/portal';
import type { Principal } from '../domain/principal';
import type { ServiceLevelPlan } from '../domain/service-levels/plan';
import type { Locale, Severity } from '../domain/ticket';
import { planFor } from './manage-service-levels';
import type { MailSettings, OutgoingMail, RateLimiter } from './mail-ports';
import type { PortalMailDeps, PortalSessions, PortalSignIns } from './portal-ports';
import type {
  Clock,
  CustomerRepository,
  MessageRepository,
  Outbox,
  PortalTickets,
  TicketPage,
  ServiceLevelPlans,
  StoredTicket,
  TicketDeps,
  TicketRepository,
} from './ports';
import { customerServiceLevels, type CustomerServiceLevels } from './service-level-report';
import { submitTicket, type SubmittedTicket } from './submit-ticket';

/**
 * The customer portal (SPEC §11): sign-in by a one-time link, a bearer session, and what a
 * signed-in contact may see and do. Who may see which ticket is decided in
 * `domain/portal.ts`; these use cases apply it to every read and write.
 */

/** Sign-in requests per address and hour: beyond it, no more mail (the answer stays 202). */
export const SIGN_IN_LIMIT_ADDRESS = { max: 5, windowSeconds: 3600 };
/** Sign-in requests per client address and hour: beyond it, 429. */
export const SIGN_IN_LIMIT_CLIENT = { max: 30, windowSeconds: 3600 };

export type PortalPrincipal = Extract<Principal, { kind: 'portal' }>;

/**
 * `POST /portal/sign-in`: the answer (202) and the work are the same for every address,
 * known or not — two rate counters and one queued event. The mailer decides whether the
 * address may sign in (`planPortalSignInMail`), so neither the answer nor its timing says.
 */
export async function requestSignIn(
  deps: {
    rateLimiter: RateLimiter;
    outbox: Outbox;
    newId(): string;
    limits?: { address: typeof SIGN_IN_LIMIT_ADDRESS; client: typeof SIGN_IN_LIMIT_CLIENT };
  },
  input: { email: string; locale: Locale; client: string },
): Promise<void> {
  const requestId = deps.newId();
  const limits = deps.limits ?? { address: SIGN_IN_LIMIT_ADDRESS, client: SIGN_IN_LIMIT_CLIENT };
  // Counter keys carry hashes, so the table holds no address in a key.
  const clientAllowed = await deps.rateLimiter.tryConsume(
    `portal-client:${hashPortalSecret(input.client)}`,
    requestId,
    limits.client.max,
    limits.client.windowSeconds,
  );
  if (!clientAllowed) {
    throw new TooManyRequestsError('Too many sign-in requests from here; try again in an hour.');
  }
  const addressAllowed = await deps.rateLimiter.tryConsume(
    // Per mailbox, as the acknowledgement limits count (SPEC §14): `ceo+1@…` and `ceo+2@…`
    // reach the same inbox as `ceo@…`, so they share its five links.
    `portal-address:${hashPortalSecret(normalizeMailbox(input.email).mailbox)}`,
    requestId,
    limits.address.max,
    limits.address.windowSeconds,
  );
  // Over the address limit the answer stays 202: a 429 here would let anyone mail-bomb an
  // address until told so, and answering alike is what the caller sees for any address.
  if (addressAllowed) {
    await deps.outbox.publish(outboxEvents.portalSignIn(requestId, input.email, input.locale));
  }
}

/** Whether an address may sign in: a contact or domain of a customer, or a requester. */
export async function mayUsePortal(deps: PortalMailDeps, email: string): Promise<boolean> {
  if (await deps.customers.findBySender(email)) return true;
  return deps.portalTickets.hasPortalTickets(portalPartitionFor(email, { kind: 'requester' }));
}

/**
 * The mailer's half of a sign-in request: for an address that may sign in, a new one-time
 * code (only its hash is stored) and the mail with the link; for anyone else, nothing.
 */
export async function planPortalSignInMail(
  deps: { portal?: PortalMailDeps; settings: MailSettings; clock: Clock },
  event: Extract<OutboxEvent, { kind: 'portal-sign-in' }>,
): Promise<OutgoingMail | { suppressed: string }> {
  if (!deps.portal) throw new Error('the mailer has no portal dependencies');
  if (!(await mayUsePortal(deps.portal, event.email))) {
    return { suppressed: 'no portal access for this address' };
  }
  const code = newPortalSecret();
  const validUntil = new Date(deps.clock.now().getTime() + SIGN_IN_CODE_TTL_SECONDS * 1000);
  await deps.portal.signIns.saveCode(hashPortalSecret(code), event.email, validUntil);
  const signInUrl = `${deps.settings.publicUrl}/portal.html?code=${encodeURIComponent(code)}${
    event.locale === 'en' ? '&lang=en' : ''
  }`;
  const rendered = renderPortalSignIn(
    { signInUrl, validMinutes: SIGN_IN_CODE_TTL_SECONDS / 60 },
    event.locale,
  );
  const domain = deps.settings.supportAddress.split('@')[1] ?? 'servicedesk.invalid';
  return {
    eventId: event.eventId,
    kind: event.kind,
    from: deps.settings.supportAddress,
    to: event.email,
    ...rendered,
    messageId: `<${event.eventId}@${domain}>`,
    references: [],
    autoSubmitted: 'auto-generated',
  };
}

/**
 * `POST /portal/session`: trades a sign-in code for a session token, once. The token is
 * opaque (`sdp_` and 256 random bits), stored only as its hash.
 */
export async function startPortalSession(
  deps: {
    signIns: PortalSignIns;
    sessions: PortalSessions;
    clock: Clock;
    /** Told that the address is proven (SPEC §14: a portal session verifies it). */
    addressProven?: (email: string) => Promise<void>;
  },
  code: string,
): Promise<{ sessionToken: string; expiresAt: string; email: string }> {
  const email = await deps.signIns.redeemCode(hashPortalSecret(code));
  if (!email) {
    throw new UnauthorizedError('This sign-in link is not valid, was used already or expired.');
  }
  const sessionToken = newPortalSecret(SESSION_TOKEN_PREFIX);
  const expiresAt = new Date(deps.clock.now().getTime() + SESSION_TTL_SECONDS * 1000).toISOString();
  await deps.sessions.createSession(hashPortalSecret(sessionToken), { email, expiresAt });
  await deps.addressProven?.(email);
  return { sessionToken, expiresAt, email };
}

/** The signed-in person behind a portal bearer token, or a 401. */
export async function portalPrincipalOf(
  deps: { sessions: PortalSessions },
  token: string,
): Promise<PortalPrincipal> {
  // Only portal tokens are looked up: a staff JWT is never a session, whatever it holds.
  const session = token.startsWith(SESSION_TOKEN_PREFIX)
    ? await deps.sessions.findSession(hashPortalSecret(token))
    : undefined;
  if (!session) {
    throw new UnauthorizedError('Sign in to the portal again: the session is unknown or over.');
  }
  return { kind: 'portal', email: session.email, expiresAt: session.expiresAt };
}

/** `DELETE /portal/session`: signs out; the token is useless from now on. */
export async function endPortalSession(
  deps: { sessions: PortalSessions },
  token: string,
): Promise<void> {
  await deps.sessions.endSession(hashPortalSecret(token));
}

/**
 * What the address sees, decided at each request from the customer records as they are now
 * (an admin's change applies at once): the customer it is a contact of or whose domain it
 * has, else only its own tickets.
 */
export async function portalScopeOf(
  deps: { customers: Pick<CustomerRepository, 'findBySender'> },
  email: string,
): Promise<PortalScope & { contactName?: string; ownerEmail: string }> {
  const exact = await deps.customers.findBySender(email);
  // A `+tag` alias reaches the contact's mailbox, so it gets the contact's scope: otherwise
  // `own+x@…` would fall back to the domain match and escape "own tickets only" (SPEC §11).
  const { mailbox } = normalizeMailbox(email);
  const viaMailbox =
    exact?.ownTicketsOnly !== true && mailbox !== email.toLowerCase()
      ? await deps.customers.findBySender(mailbox)
      : undefined;
  const aliasOfOwnOnly = viaMailbox?.ownTicketsOnly === true;
  const match = aliasOfOwnOnly ? viaMailbox : exact;
  if (!match) return { kind: 'requester', ownerEmail: email };
  return {
    kind: 'customer',
    customerId: match.customerId,
    customerName: match.name,
    ownTicketsOnly: match.ownTicketsOnly === true,
    ...(match.contactName ? { contactName: match.contactName } : {}),
    // Own tickets are those the contact's mailbox requested, whichever alias signed in.
    ownerEmail: aliasOfOwnOnly ? mailbox : email,
  };
}

type ReadDeps = {
  customers: Pick<CustomerRepository, 'findBySender'>;
  tickets: Pick<TicketRepository, 'get'>;
  portalTickets: PortalTickets;
};

/** `GET /portal/tickets`: the tickets the person may see, newest first. */
export async function listPortalTickets(
  deps: ReadDeps,
  principal: PortalPrincipal,
  query: { status: PortalStatusFilter; limit: number; cursor?: string },
): Promise<TicketPage> {
  const scope = await portalScopeOf(deps, principal.email);
  const statuses = statusesOf(query.status);
  return deps.portalTickets.portalPage(
    portalPartitionFor(principal.email, scope),
    {
      ...(statuses ? { statuses } : {}),
      ...(scope.kind === 'customer' && scope.ownTicketsOnly
        ? { requesterEmail: scope.ownerEmail }
        : {}),
    },
    query.limit,
    query.cursor,
  );
}

/**
 * One ticket the person may see. Another customer's ticket, or a colleague's for a contact
 * who sees only their own, is a 404 like a ticket that does not exist.
 */
export async function readPortalTicket(
  deps: ReadDeps,
  principal: PortalPrincipal,
  ticketId: string,
): Promise<StoredTicket> {
  const [scope, ticket] = await Promise.all([
    portalScopeOf(deps, principal.email),
    deps.tickets.get(ticketId),
  ]);
  if (!ticket || !portalMaySee(scope.ownerEmail, scope, ticket)) {
    throw new NotFoundError(`No ticket ${ticketId} in your portal.`);
  }
  return ticket;
}

/** The ticket with its public conversation. */
export async function readPortalTicketWithMessages(
  deps: ReadDeps & { messages: MessageRepository },
  principal: PortalPrincipal,
  ticketId: string,
) {
  const ticket = await readPortalTicket(deps, principal, ticketId);
  return { ticket, messages: await deps.messages.list(ticketId) };
}

/** Who writes from the portal: the signed-in person, by the name we know for them. */
export async function portalAuthor(
  deps: { customers: Pick<CustomerRepository, 'findBySender'> },
  principal: PortalPrincipal,
  ticket?: StoredTicket,
): Promise<{ name: string; email: string }> {
  const scope = await portalScopeOf(deps, principal.email);
  const ownName =
    ticket?.requester.email?.toLowerCase() === principal.email ? ticket.requester.name : undefined;
  return {
    name: displayNameOf(principal.email, scope.contactName ?? ownName),
    email: principal.email,
  };
}

/**
 * `POST /portal/tickets`: a new ticket from the signed-in address, under the name we know
 * (or the one given), without typing the address: it is the proven one.
 */
export async function submitPortalTicket(
  deps: TicketDeps,
  principal: PortalPrincipal,
  input: {
    name?: string;
    subject: string;
    description: string;
    severity: Severity;
    locale: Locale;
    phone?: string;
  },
  idempotencyKey?: string,
): Promise<SubmittedTicket> {
  const author = await portalAuthor(deps, principal);
  return submitTicket(
    deps,
    {
      name: input.name ?? author.name,
      email: principal.email,
      subject: input.subject,
      description: input.description,
      severity: input.severity,
      locale: input.locale,
      ...(input.phone ? { phone: input.phone } : {}),
      channel: 'web',
    },
    // A namespace of its own per address: nobody else's key can collide with it.
    idempotencyKey === undefined ? undefined : `portal:${principal.email}:${idempotencyKey}`,
  );
}

/** Minutes of a contract's allowance used, per Berlin month. */
export interface AllowanceUsage {
  usedMinutesByMonth(
    customerId: string,
    fromMonth: string,
    toMonth: string,
  ): Promise<Map<string, number>>;
}

/** The months `YYYY-MM` from `count - 1` months before `month` up to `month`, oldest first. */
export function lastMonths(month: string, count: number): string[] {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const months: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const index = year * 12 + (mon - 1) - i;
    months.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`);
  }
  return months;
}

/** `GET /portal/contract`. */
export interface PortalContract {
  customer: { id: string; name: string };
  contract: Contract | null;
  /** The contract's service-level plan with its targets; null without a contract. */
  plan: ServiceLevelPlan | null;
  active: boolean;
  thisMonth: {
    month: string;
    includedMinutes: number;
    usedMinutes: number;
    leftMinutes: number;
  } | null;
  months: {
    month: string;
    usedMinutes: number;
    includedMinutes: number;
    /** The month's service-level results, one row per plan (none without a contract). */
    serviceLevels: CustomerServiceLevels[];
  }[];
}

/**
 * The contract of the person's customer, what its included minutes did this month and in
 * the last 12 (the current Berlin month and the 11 before). Contacts who see only their own
 * tickets, and requesters without a customer, have no contract to see (404).
 */
export async function readPortalContract(
  deps: {
    customers: Pick<CustomerRepository, 'findBySender' | 'get'>;
    allowanceUsage: AllowanceUsage;
    portalTickets: Pick<PortalTickets, 'receivedBetween'>;
    serviceLevels: ServiceLevelPlans;
    clock: Clock;
  },
  principal: PortalPrincipal,
): Promise<PortalContract> {
  const scope = await portalScopeOf(deps, principal.email);
  if (scope.kind !== 'customer' || scope.ownTicketsOnly) {
    throw new NotFoundError('No contract to show for this sign-in.');
  }
  const customer = await deps.customers.get(scope.customerId);
  if (!customer) throw new NotFoundError('No contract to show for this sign-in.');
  const today = berlinDay(deps.clock.now());
  const months = lastMonths(today.slice(0, 7), 12);
  const contract = customer.contract ?? null;
  const included = contract?.includedMinutesPerMonth ?? 0;
  // Three reads at once: the allowance items of the months, the plan, and the customer's
  // tickets of the months (for the service levels, counted as the monthly report does).
  const [used, plan, serviceLevels] = await Promise.all([
    contract
      ? deps.allowanceUsage.usedMinutesByMonth(
          customer.customerId,
          months[0] as string,
          months[months.length - 1] as string,
        )
      : new Map<string, number>(),
    contract ? planFor(deps, contract.serviceLevel) : null,
    contract
      ? customerServiceLevels(deps, customer, months)
      : new Map<string, CustomerServiceLevels[]>(),
  ]);
  const current = months[months.length - 1] as string;
  const usedNow = used.get(current) ?? 0;
  // A contract that ended or has not begun includes nothing this month, as its months entry.
  const includedNow = contract && monthOverlaps(contract, current) ? included : 0;
  return {
    customer: { id: customer.customerId, name: customer.name },
    contract,
    plan,
    active: isContractActiveOn(customer.contract, today),
    thisMonth: contract
      ? {
          month: current,
          includedMinutes: includedNow,
          usedMinutes: usedNow,
          leftMinutes: Math.max(0, includedNow - usedNow),
        }
      : null,
    months: months.map((month) => ({
      month,
      usedMinutes: used.get(month) ?? 0,
      includedMinutes: contract && monthOverlaps(contract, month) ? included : 0,
      serviceLevels: serviceLevels.get(month) ?? [],
    })),
  };
}

/** Whether the contract ran on any day of the month. */
function monthOverlaps(contract: Contract, month: string): boolean {
  const first = `${month}-01`;
  const last = `${month}-31`;
  return (
    contract.validFrom <= last && (contract.validTo === undefined || contract.validTo >= first)
  );
}
