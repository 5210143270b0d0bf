import type { Customer, Contract } from '../domain/customer';
import type { HistoryRecord } from '../domain/history';
import type { OutboxEvent } from '../domain/mail/outbox-event';
import type { TicketMessage } from '../domain/message';
import type { LogLevel } from '../domain/log-fields';
import type { DimensionsOf, MetricKey } from '../domain/metric-names';
import type { PriceList } from '../domain/price-list';
import type { ClaimHistory } from '../domain/queue-estimate';
import type { QueueStanding } from '../domain/queue-position';
import type { ReferenceContract } from '../domain/sales';
import type { ServiceLevelPlan } from '../domain/service-levels/plan';
import type { Group, Ticket, TicketStatus, VerificationMethod } from '../domain/ticket';
import type { WorkEntry } from '../domain/work-entry';

/** A ticket as stored: the domain ticket plus the hash of the customer's access token. */
export interface StoredTicket extends Ticket {
  accessTokenHash: string;
  /**
   * The acknowledgement, from the moment the ticket is stored until it is on the outbox
   * queue: stored with the ticket in one write, so a crash or a queue error in between
   * leaves it here for the sweeper (`sweepAcknowledgements`) instead of losing it. Never
   * shown to anyone (it holds the access token).
   */
  pendingAcknowledgement?: AcknowledgementEvent;
  /**
   * The ticket's own changes (SPEC §13), oldest first, written in the same conditional put
   * as the change they record; only ever appended to (`changeTicket`, the claim). Messages
   * and work entries carry their record in their own item.
   */
  history?: HistoryRecord[];
  /**
   * How many tickets waited ahead of it, per group, when it was received (SPEC §10): read
   * just before it was stored and stored with it, so its acknowledgement tells the figure
   * of its receipt however late it goes out. Standard tickets only (those stored before
   * this field existed have none).
   */
  aheadAtReceipt?: Record<Group, number>;
}

/** The outbox event of an acknowledgement. */
export type AcknowledgementEvent = Extract<OutboxEvent, { kind: 'acknowledgement' }>;

/**
 * One page of tickets in the order of the index read: the queue (queue order), the tickets
 * an agent holds, a portal's tickets (most recently changed first).
 */
export interface TicketPage {
  items: StoredTicket[];
  /** Opaque; absent on the last page. */
  nextCursor?: string;
}

export interface TicketRepository {
  /** Stores a new ticket; resolves `false` when a ticket with that id exists already. */
  create(ticket: StoredTicket): Promise<boolean>;
  get(ticketId: string): Promise<StoredTicket | undefined>;
  /**
   * Replaces the ticket if it is still at `expectedVersion`; resolves `false` otherwise.
   * Waiting (`open`) tickets are put in the queue index, all others are taken out of it.
   */
  save(ticket: StoredTicket, expectedVersion: number): Promise<boolean>;
  /** One page of waiting tickets in queue order: one Query on the queue index. */
  queuePage(limit: number, cursor?: string): Promise<TicketPage>;
  /** The first waiting tickets, only what a claim needs of them: one small Query. */
  queueHeads(limit: number): Promise<{ ticketId: string; version: number }[]>;
  /**
   * Claims the ticket for the agent if it still waits at `expectedVersion` (one
   * conditional update); resolves the claimed ticket, or undefined if someone was faster.
   */
  claim(
    ticketId: string,
    expectedVersion: number,
    agent: string,
    at: string,
  ): Promise<StoredTicket | undefined>;
  /**
   * One page of the tickets held by `assignee` (in progress or waiting for the customer),
   * most recently changed first: one Query on the assignee index.
   */
  heldTickets(assignee: string, limit: number, cursor?: string): Promise<TicketPage>;
  /** All waiting tickets of one customer (for regrouping when a contract starts or ends). */
  waitingTicketsOf(customerId: string): AsyncIterable<StoredTicket>;
  /**
   * Ids of the contract tickets whose next escalation is due at or before `until`, page by
   * page from one Query on the due index (none read when nothing is due). The index may
   * lag: callers read each ticket afresh before acting.
   */
  dueForEscalation(until: string): AsyncIterable<string[]>;
  /**
   * The tickets received in a Europe/Berlin month (`YYYY-MM`), page by page from one Query
   * on the received index.
   */
  receivedInMonth(month: string): AsyncIterable<StoredTicket[]>;
  /** Removes the ticket's pending acknowledgement: it is on the outbox queue now. */
  settleAcknowledgement(ticketId: string): Promise<void>;
  /**
   * Tickets received before `receivedBefore` whose acknowledgement is still pending,
   * oldest first: one Query on the sparse pending-acknowledgement index.
   */
  pendingAcknowledgements(receivedBefore: string, limit: number): Promise<StoredTicket[]>;
}

/** How many tickets of a group wait, and since when the oldest of them. */
export interface WaitingTickets {
  waiting: number;
  /** `receivedAt` of the group's oldest waiting ticket; absent when none waits. */
  oldestReceivedAt?: string;
}

/** The queue measured for the operator's dashboard (the queue index, no ticket read). */
export interface QueueStatistics {
  waitingByGroup(): Promise<Record<Group, WaitingTickets>>;
}

/**
 * Counts of waiting tickets per bucket of the queue key, so that a position is read without
 * reading the tickets ahead (docs/data-model.md, "Queue position"), and the claims tallied
 * per hour for the wait estimate.
 */
export interface QueueCounters {
  /** A ticket's queue key changed from `before` to `after` (undefined: not in the queue). */
  moved(before: string | undefined, after: string | undefined): Promise<void>;
  /** The standing of the waiting ticket with this queue key. */
  standing(queueKey: string, ticketId: string): Promise<QueueStanding>;
  /**
   * Where a new ticket with this queue key would stand, read just before it is stored: the
   * buckets as read at or after `since` (a read shared by the calls that accept it) and its
   * own hour counted now. What its acknowledgement tells (SPEC §10: "at receipt").
   */
  aheadOfNew(queueKey: string, since: Date): Promise<QueueStanding>;
  /**
   * Waiting tickets per group. `maxAgeMs` lets a sum this instance read that recently serve
   * (with its own changes since); 0 reads afresh.
   */
  waiting(maxAgeMs?: number): Promise<Record<Group, number>>;
  /** A ticket of the group was claimed at that instant (tallied for the rate). */
  claimed(group: Group, at: Date): Promise<void>;
  /** The claims of the rate window before `now`. */
  claimHistory(now: Date): Promise<ClaimHistory>;
}

/** The customer portal's reads of tickets (the portal index). */
export interface PortalTickets {
  /**
   * One page of a portal partition (a customer's or a requester's tickets), newest first:
   * Queries on the portal index, filtered by status and requester. A page may hold fewer
   * than `limit` tickets and still have a next one (the filter is bounded per request).
   */
  portalPage(
    partition: string,
    filter: PortalFilter,
    limit: number,
    cursor?: string,
  ): Promise<TicketPage>;
  /** Whether the portal partition holds any ticket (one key-only read). */
  hasPortalTickets(partition: string): Promise<boolean>;
  /**
   * The partition's tickets received from `from` (inclusive) to `to` (exclusive), ISO
   * instants, page by page from one Query on the portal index.
   */
  receivedBetween(partition: string, from: string, to: string): AsyncIterable<StoredTicket[]>;
}

/** Which tickets of a portal partition a page lists. */
export interface PortalFilter {
  /** Only these statuses; all when absent. */
  statuses?: readonly TicketStatus[];
  /** Only tickets this address sent (contacts marked "own tickets only"). */
  requesterEmail?: string;
}

/** What intake needs to know about a sender's customer, denormalized for one round trip. */
export interface CustomerMatch {
  customerId: string;
  name: string;
  contract?: Contract;
  /** The contact a phone number belongs to (phone lookups only). */
  contact?: { email: string; name?: string };
  /** Matched by a contact address that an admin marked "own tickets only" (the portal). */
  ownTicketsOnly?: boolean;
  /** The contact's name, when matched by a contact address. */
  contactName?: string;
}

export interface CustomerRepository {
  get(customerId: string): Promise<Customer | undefined>;
  /**
   * The customer as this instance read it at most a few seconds ago; for pricing work,
   * where a contract edited on another instance a moment ago may apply a moment late.
   */
  recent(customerId: string): Promise<Customer | undefined>;
  /** Several customers in one round trip; unknown ids are left out. */
  getMany(customerIds: string[]): Promise<Customer[]>;
  /** All customers by name, paged. */
  list(limit: number, cursor?: string): Promise<{ items: Customer[]; nextCursor?: string }>;
  /**
   * Stores the customer and its contact and domain lookups. Rejects with a ConflictError,
   * changing nothing, when a contact or domain belongs to another customer.
   */
  save(customer: Customer, previous?: Customer): Promise<void>;
  /** The customer a sender belongs to: by contact address, else by mail domain. */
  findBySender(email: string): Promise<CustomerMatch | undefined>;
  /** The customer (and contact) a caller's number belongs to. */
  findByPhone(phone: string): Promise<CustomerMatch | undefined>;
  /** Customers whose contract starts or ends on that Europe/Berlin day. */
  customersWithContractBoundaryOn(day: string): Promise<string[]>;
}

/**
 * What an earlier request with the same Idempotency-Key promised to return. It holds the
 * nonce of the access token, never the token (SPEC §14): the token is derived again.
 */
export interface IdempotentSubmission {
  fingerprint: string;
  ticketId: string;
  receivedAt: string;
  tokenNonce: string;
}

/**
 * Customers' access tokens: each is derived from the ticket number and a random nonce with
 * a server secret, so only the nonce needs to be kept where the token must be handed out
 * again (idempotency records, queued acknowledgements); tickets keep the token's hash.
 */
export interface AccessTokens {
  /** A fresh random nonce for a new ticket. */
  newNonce(): string;
  /** The access token of the ticket made with that nonce. */
  tokenFor(ticketId: string, nonce: string): Promise<string>;
}

export interface IdempotencyStore {
  /**
   * Records the submission under the key unless the key is taken; resolves the earlier
   * submission when it is.
   */
  claim(key: string, submission: IdempotentSubmission): Promise<IdempotentSubmission | undefined>;
}

export interface TicketNumbers {
  /** A ticket number never handed out before, under any concurrency. */
  next(): Promise<number>;
}

export interface Clock {
  now(): Date;
}

/** The outbox: events for the mailer, delivered at least once. */
export interface Outbox {
  publish(event: OutboxEvent): Promise<void>;
}

/**
 * Business metrics (SPEC §14 allows counts and durations only): in AWS CloudWatch metrics
 * through Powertools (`functions/shared/metrics.ts`). Optional in the use cases' deps, so
 * a use case measured nowhere (a unit test, a script) needs none.
 */
export interface BusinessMetrics {
  record<K extends MetricKey>(key: K, value: number, dimensions?: DimensionsOf<K>): void;
}

/**
 * The function's operational log: one line per call, only the fields
 * `functions/domain/log-fields.ts` allows, with the invocation's correlation id (the ticket
 * id or the request id) that the logger in `functions/shared/log.ts` adds.
 */
export interface OperationsLog {
  write(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

export interface MessageRepository {
  /** Stores a new message; resolves `false` when one with that id exists already. */
  add(message: TicketMessage): Promise<boolean>;
  get(ticketId: string, messageId: string): Promise<TicketMessage | undefined>;
  /** The conversation, oldest first. */
  list(ticketId: string): Promise<TicketMessage[]>;
}

export interface WorkEntryReader {
  /** Entries of the ticket with an amount to pay, in the order they were recorded. */
  billableEntriesOf(ticketId: string): Promise<WorkEntry[]>;
}

export interface WorkEntryRepository extends WorkEntryReader {
  /** Stores a new entry; resolves the stored one when an entry with that id exists. */
  add(entry: WorkEntry): Promise<{ entry: WorkEntry; created: boolean }>;
  /** All entries of a ticket, in date order. */
  entriesOf(ticketId: string): Promise<WorkEntry[]>;
  get(ticketId: string, entryId: string): Promise<WorkEntry | undefined>;
  /**
   * The billable entries of a billing month in export order (customer, date, entry), page
   * by page from ONE index query; memory stays flat however many there are.
   */
  billableEntriesInMonth(month: string): AsyncIterable<WorkEntry[]>;
  /**
   * The entries of a billing month wholly covered by a contract (nothing billed), in the
   * same order and the same way: ONE paged index query.
   */
  coveredEntriesInMonth(month: string): AsyncIterable<WorkEntry[]>;
}

/** Included minutes of a contract customer, used up month by month. */
export interface Allowances {
  /**
   * Takes up to `wanted` minutes of the customer's `included` minutes in the month for the
   * entry, atomically under concurrency; asking again for the same entry answers the
   * same, so a retried entry never takes twice. `newEntry`: the entry id was made for this
   * request (no idempotency key), so it cannot have taken minutes before.
   */
  consume(
    customerId: string,
    month: string,
    entryId: string,
    wanted: number,
    included: number,
    newEntry?: boolean,
  ): Promise<number>;
}

export interface PriceListStore {
  /** The price list in force (the shipped default until an admin stores one). */
  current(): Promise<PriceList>;
  /** The price list in force as this instance read it at most a few seconds ago. */
  recent(): Promise<PriceList>;
  /** Stores a new version if the current one is still `expectedVersion`; else false. */
  replace(next: PriceList, expectedVersion: number): Promise<boolean>;
}

/** The reference contract of the upsell report (SPEC §12): stored, else the shipped default. */
export interface ReferenceContractStore {
  get(): Promise<ReferenceContract>;
  /** Replaces it as a whole. */
  put(reference: ReferenceContract): Promise<void>;
}

/** Service-level plans: the stored ones, else the shipped defaults. */
export interface ServiceLevelPlans {
  /** The plan (stored, else a shipped default), read afresh. */
  get(planId: string): Promise<ServiceLevelPlan | undefined>;
  /** The plan as this instance read it at most a few seconds ago. */
  recent(planId: string): Promise<ServiceLevelPlan | undefined>;
  /** Every plan, stored and shipped, by id: one Query. */
  list(): Promise<ServiceLevelPlan[]>;
  /** Stores (creates or replaces) a plan. */
  put(plan: ServiceLevelPlan): Promise<void>;
}

/** Addresses proven to belong to whoever uses them (SPEC §14): one record per address. */
export interface VerifiedAddresses {
  /** How and when the address was first proven, if it was. */
  get(email: string): Promise<{ method: VerificationMethod; at: string } | undefined>;
  /** Records the proof; the first one stays (a later proof changes nothing). */
  record(email: string, method: VerificationMethod, at: string): Promise<void>;
}

/**
 * One-time codes for the confirm link of an acknowledgement. Only a hash of each code is
 * stored; a code expires after a while.
 */
export interface AddressConfirmations {
  /** A new code for the ticket's requester address, valid until `expiresAt`. */
  issue(ticketId: string, email: string, expiresAt: Date): Promise<string>;
  /**
   * The ticket a code was issued for and the hash of the address (`addressHash`), unless
   * it is unknown or expired. The address itself is not kept with the code (SPEC §13).
   */
  find(code: string): Promise<{ ticketId: string; emailHash: string } | undefined>;
}

/** Everything the ticket use cases need, passed in as one typed object. */
export interface TicketDeps {
  tickets: TicketRepository;
  customers: CustomerRepository;
  idempotency: IdempotencyStore;
  ticketNumbers: TicketNumbers;
  messages: MessageRepository;
  outbox: Outbox;
  verifiedAddresses: VerifiedAddresses;
  clock: Clock;
  serviceLevels: ServiceLevelPlans;
  accessTokens: AccessTokens;
  /** Where a new standard ticket enters the queue, for its acknowledgement (SPEC §10). */
  queueCounters: Pick<QueueCounters, 'aheadOfNew'>;
  newId(): string;
  /** Where tickets received and acknowledgements not queued are counted. */
  metrics?: BusinessMetrics;
  /** Where what went wrong without failing the request is logged (a queue refused the acknowledgement). */
  log?: OperationsLog;
}

/** Reads a ticket's history (SPEC §13). */
export interface TicketHistory {
  /** Every record of the ticket, oldest first; undefined when there is no such ticket. */
  historyOf(ticketId: string): Promise<HistoryRecord[] | undefined>;
}
