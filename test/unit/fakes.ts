import type {
  AccessTokens,
  AddressConfirmations,
  BusinessMetrics,
  Clock,
  CustomerMatch,
  CustomerRepository,
  IdempotencyStore,
  IdempotentSubmission,
  MessageRepository,
  Outbox,
  QueueCounters,
  TicketPage,
  ServiceLevelPlans,
  StoredTicket,
  TicketDeps,
  TicketNumbers,
  TicketRepository,
  VerifiedAddresses,
} from '../../functions/app/ports';
import { hashAccessToken } from '../../functions/domain/access-token';
import { addressHash } from '../../functions/domain/privacy';
import {
  candidateDomains,
  contractBoundaries,
  normalizeEmail,
  normalizePhone,
  type Customer,
} from '../../functions/domain/customer';
import { ConflictError } from '../../functions/domain/errors';
import type { DimensionsOf, MetricKey } from '../../functions/domain/metric-names';
import type { OutboxEvent } from '../../functions/domain/mail/outbox-event';
import type { TicketMessage } from '../../functions/domain/message';
import { encodeQueueKey } from '../../functions/domain/queue-key';
import type { QueueStanding } from '../../functions/domain/queue-position';
import { FIRST_TICKET_NUMBER } from '../../functions/domain/ticket-number';
import { isHeld, type VerificationMethod } from '../../functions/domain/ticket';
import { berlinMonth } from '../../functions/domain/calendar';
import { nextEscalationAt } from '../../functions/domain/service-levels/sla-clock';
import { DEFAULT_PLANS, type ServiceLevelPlan } from '../../functions/domain/service-levels/plan';

/**
 * In-memory stand-ins for the ports of `functions/app/ports.ts`, with the semantics the
 * DynamoDB adapters promise: conditional writes, a queue ordered by the encoded queue key.
 * Values are copied in and out, so a use case can never change stored state by mutation.
 */

const copy = <T>(value: T): T => structuredClone(value);

/** Called before a conditional write is checked: lets a test play "another writer". */
export type BeforeSave = (ticket: StoredTicket, expectedVersion: number) => void;

export class InMemoryTicketRepository implements TicketRepository {
  private readonly tickets = new Map<string, StoredTicket>();
  /** Every `save` call in order, with whether it was written. */
  readonly saves: { ticketId: string; expectedVersion: number; written: boolean }[] = [];
  /** How many queue pages were read. */
  queueReads = 0;
  beforeSave: BeforeSave | undefined;

  async create(ticket: StoredTicket): Promise<boolean> {
    if (this.tickets.has(ticket.ticketId)) return false;
    this.tickets.set(ticket.ticketId, copy(ticket));
    return true;
  }

  async get(ticketId: string): Promise<StoredTicket | undefined> {
    const ticket = this.tickets.get(ticketId);
    return ticket && copy(ticket);
  }

  async save(ticket: StoredTicket, expectedVersion: number): Promise<boolean> {
    this.beforeSave?.(copy(ticket), expectedVersion);
    const current = this.tickets.get(ticket.ticketId);
    // Like `ConditionExpression: version = :expected`: a missing item fails the condition.
    const written = current !== undefined && current.version === expectedVersion;
    if (written) this.tickets.set(ticket.ticketId, copy(ticket));
    this.saves.push({ ticketId: ticket.ticketId, expectedVersion, written });
    return written;
  }

  async queuePage(limit: number, cursor?: string): Promise<TicketPage> {
    this.queueReads++;
    const after = cursor === undefined ? undefined : Buffer.from(cursor, 'base64url').toString();
    const waiting = this.queueKeys().filter(([key]) => after === undefined || key > after);
    const page = waiting.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(([, ticket]) => copy(ticket)),
      ...(waiting.length > limit && last
        ? { nextCursor: Buffer.from(last[0]).toString('base64url') }
        : {}),
    };
  }

  async heldTickets(assignee: string, limit: number, cursor?: string): Promise<TicketPage> {
    const after = cursor === undefined ? undefined : Buffer.from(cursor, 'base64url').toString();
    const held = [...this.tickets.values()]
      .filter((t) => isHeld(t.status) && t.assignee === assignee)
      .map((t) => [`${t.updatedAt}#${t.ticketId}`, t] as const)
      .sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))
      .filter(([key]) => after === undefined || key < after);
    const page = held.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(([, ticket]) => copy(ticket)),
      ...(held.length > limit && last
        ? { nextCursor: Buffer.from(last[0]).toString('base64url') }
        : {}),
    };
  }

  async queueHeads(limit: number): Promise<{ ticketId: string; version: number }[]> {
    this.queueReads++;
    return this.queueKeys()
      .slice(0, limit)
      .map(([, ticket]) => ({ ticketId: ticket.ticketId, version: ticket.version }));
  }

  async claim(
    ticketId: string,
    expectedVersion: number,
    agent: string,
    at: string,
  ): Promise<StoredTicket | undefined> {
    const current = this.tickets.get(ticketId);
    if (!current || current.status !== 'open') {
      this.saves.push({ ticketId, expectedVersion, written: false });
      return undefined;
    }
    const claimed: StoredTicket = {
      ...current,
      status: 'in_progress',
      assignee: agent,
      updatedAt: at,
      version: expectedVersion + 1,
    };
    return (await this.save(claimed, expectedVersion)) ? copy(claimed) : undefined;
  }

  async settleAcknowledgement(ticketId: string): Promise<void> {
    const current = this.tickets.get(ticketId);
    if (current) delete current.pendingAcknowledgement;
  }

  async pendingAcknowledgements(receivedBefore: string, limit: number): Promise<StoredTicket[]> {
    return [...this.tickets.values()]
      .filter((t) => t.pendingAcknowledgement && `${t.receivedAt}#${t.ticketId}` < receivedBefore)
      .sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0))
      .slice(0, limit)
      .map(copy);
  }

  async *waitingTicketsOf(customerId: string): AsyncIterable<StoredTicket> {
    for (const [, ticket] of this.queueKeys()) {
      if (ticket.customer?.id === customerId) yield copy(ticket);
    }
  }

  async *dueForEscalation(until: string): AsyncIterable<string[]> {
    const due = [...this.tickets.values()]
      .map((t) => ({
        t,
        at: t.group === 'contract' && t.sla ? nextEscalationAt(t.sla, t.status) : undefined,
      }))
      .filter((e): e is { t: StoredTicket; at: string } => e.at !== undefined && e.at <= until)
      .sort((a, b) => (a.at < b.at ? -1 : 1))
      .map((e) => e.t.ticketId);
    if (due.length) yield due;
  }

  async *receivedInMonth(month: string): AsyncIterable<StoredTicket[]> {
    yield [...this.tickets.values()].filter((t) => berlinMonth(t.receivedAt) === month).map(copy);
  }

  /** Stores tickets as they are, synchronously (test setup). */
  seed(...tickets: StoredTicket[]): void {
    for (const ticket of tickets) this.tickets.set(ticket.ticketId, copy(ticket));
  }

  /** Another writer changes the stored ticket (and its version), outside any use case. */
  overwrite(ticketId: string, change: Partial<StoredTicket>): StoredTicket {
    const current = this.tickets.get(ticketId);
    if (!current) throw new Error(`no ticket ${ticketId}`);
    const next: StoredTicket = { ...current, ...change, version: current.version + 1 };
    this.tickets.set(ticketId, next);
    return copy(next);
  }

  /** All stored tickets (copies), in no particular order. */
  all(): StoredTicket[] {
    return [...this.tickets.values()].map(copy);
  }

  /** The ids of waiting tickets in queue order, as one Query on the queue index returns them. */
  queueIds(): string[] {
    return this.queueKeys().map(([, ticket]) => ticket.ticketId);
  }

  /** The sparse queue index: only `open` tickets, ascending by their encoded key. */
  queueKeys(): [string, StoredTicket][] {
    return [...this.tickets.values()]
      .filter((ticket) => ticket.status === 'open')
      .map((ticket): [string, StoredTicket] => [encodeQueueKey(ticket), ticket])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

export class InMemoryCustomerRepository implements CustomerRepository {
  private readonly customers = new Map<string, Customer>();

  async get(customerId: string): Promise<Customer | undefined> {
    const customer = this.customers.get(customerId);
    return customer && copy(customer);
  }

  /** Always fresh here: how late a real instance may see a change is the adapter's test. */
  recent(customerId: string): Promise<Customer | undefined> {
    return this.get(customerId);
  }

  async getMany(customerIds: string[]): Promise<Customer[]> {
    return customerIds.flatMap((id) => {
      const customer = this.customers.get(id);
      return customer ? [copy(customer)] : [];
    });
  }

  async list(limit: number, cursor?: string): Promise<{ items: Customer[]; nextCursor?: string }> {
    const all = [...this.customers.values()].sort((a, b) => a.name.localeCompare(b.name));
    const start = cursor ? Number(cursor) : 0;
    const items = all.slice(start, start + limit).map(copy);
    return start + limit < all.length ? { items, nextCursor: String(start + limit) } : { items };
  }

  async save(customer: Customer, _previous?: Customer): Promise<void> {
    for (const other of this.customers.values()) {
      if (other.customerId === customer.customerId) continue;
      const taken =
        customer.contacts.some((c) =>
          other.contacts.some((o) => normalizeEmail(o.email) === normalizeEmail(c.email)),
        ) || customer.domains.some((d) => other.domains.includes(d));
      if (taken) throw new ConflictError(`A contact or domain belongs to ${other.customerId}.`);
    }
    this.customers.set(customer.customerId, copy(customer));
  }

  async findBySender(email: string): Promise<CustomerMatch | undefined> {
    const address = normalizeEmail(email);
    const all = [...this.customers.values()];
    const byContact = all.find((c) => c.contacts.some((o) => normalizeEmail(o.email) === address));
    const byDomain = candidateDomains(address)
      .map((domain) => all.find((c) => c.domains.includes(domain)))
      .find(Boolean);
    const customer = byContact ?? byDomain;
    if (!customer) return undefined;
    return {
      customerId: customer.customerId,
      name: customer.name,
      ...(customer.contract ? { contract: copy(customer.contract) } : {}),
    };
  }

  async findByPhone(phone: string): Promise<CustomerMatch | undefined> {
    const number = normalizePhone(phone);
    for (const customer of this.customers.values()) {
      const contact = customer.contacts.find((c) => c.phone && normalizePhone(c.phone) === number);
      if (number && contact) {
        return {
          customerId: customer.customerId,
          name: customer.name,
          ...(customer.contract ? { contract: copy(customer.contract) } : {}),
          contact: { email: contact.email, ...(contact.name ? { name: contact.name } : {}) },
        };
      }
    }
    return undefined;
  }

  async customersWithContractBoundaryOn(day: string): Promise<string[]> {
    return [...this.customers.values()]
      .filter((c) => contractBoundaries(c.contract).includes(day))
      .map((c) => c.customerId);
  }
}

export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly submissions = new Map<string, IdempotentSubmission>();

  async claim(
    key: string,
    submission: IdempotentSubmission,
  ): Promise<IdempotentSubmission | undefined> {
    const earlier = this.submissions.get(key);
    if (earlier) return copy(earlier);
    this.submissions.set(key, copy(submission));
    return undefined;
  }
}

export class InMemoryMessageRepository implements MessageRepository {
  private readonly messages: TicketMessage[] = [];

  async add(message: TicketMessage): Promise<boolean> {
    const exists = this.messages.some(
      (m) => m.ticketId === message.ticketId && m.messageId === message.messageId,
    );
    if (!exists) this.messages.push(copy(message));
    return !exists;
  }

  async get(ticketId: string, messageId: string): Promise<TicketMessage | undefined> {
    const message = this.messages.find((m) => m.ticketId === ticketId && m.messageId === messageId);
    return message && copy(message);
  }

  async list(ticketId: string): Promise<TicketMessage[]> {
    return this.messages
      .filter((m) => m.ticketId === ticketId)
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))
      .map(copy);
  }
}

/** Proven addresses; the first proof stays, like the conditional put of the adapter. */
export class InMemoryVerifiedAddresses implements VerifiedAddresses {
  readonly proofs = new Map<string, { method: VerificationMethod; at: string }>();

  async get(email: string) {
    const proof = this.proofs.get(normalizeEmail(email));
    return proof && copy(proof);
  }

  async record(email: string, method: VerificationMethod, at: string): Promise<void> {
    if (!this.proofs.has(normalizeEmail(email)))
      this.proofs.set(normalizeEmail(email), { method, at });
  }
}

/** Confirm-link codes, numbered so tests can predict them; expired ones are not found. */
export class InMemoryAddressConfirmations implements AddressConfirmations {
  private readonly codes = new Map<
    string,
    { ticketId: string; emailHash: string; expiresAt: Date }
  >();
  private issued = 0;

  constructor(private readonly clock: Clock) {}

  async issue(ticketId: string, email: string, expiresAt: Date): Promise<string> {
    const code = `code-${++this.issued}`;
    this.codes.set(code, { ticketId, emailHash: addressHash(email), expiresAt });
    return code;
  }

  async find(code: string) {
    const issued = this.codes.get(code);
    if (!issued || issued.expiresAt <= this.clock.now()) return undefined;
    return { ticketId: issued.ticketId, emailHash: issued.emailHash };
  }
}

/** Keeps what was published, in order, for assertions. */
export class InMemoryOutbox implements Outbox {
  readonly published: OutboxEvent[] = [];
  /** While set, every publish fails (the queue is down). */
  failing = false;

  async publish(event: OutboxEvent): Promise<void> {
    if (this.failing) throw new Error('the outbox queue is unavailable');
    this.published.push(copy(event));
  }
}

export class SequentialTicketNumbers implements TicketNumbers {
  constructor(private nextNumber = FIRST_TICKET_NUMBER) {}

  async next(): Promise<number> {
    return this.nextNumber++;
  }
}

/** A clock that stands still until a test moves it. */
export class FakeClock implements Clock {
  private instant: Date;

  constructor(iso: string) {
    this.instant = new Date(iso);
  }

  now(): Date {
    return new Date(this.instant);
  }

  set(iso: string): void {
    this.instant = new Date(iso);
  }

  advance(ms: number): void {
    this.instant = new Date(this.instant.getTime() + ms);
  }
}

/** Plans in memory, starting from the shipped defaults. */
export class InMemoryServiceLevelPlans implements ServiceLevelPlans {
  readonly plans = new Map<string, ServiceLevelPlan>(DEFAULT_PLANS.map((p) => [p.planId, p]));

  get(planId: string): Promise<ServiceLevelPlan | undefined> {
    return Promise.resolve(this.plans.get(planId));
  }

  recent(planId: string): Promise<ServiceLevelPlan | undefined> {
    return this.get(planId);
  }

  list(): Promise<ServiceLevelPlan[]> {
    return Promise.resolve([...this.plans.values()]);
  }

  put(plan: ServiceLevelPlan): Promise<void> {
    this.plans.set(plan.planId, plan);
    return Promise.resolve();
  }
}

export interface Fakes {
  tickets: InMemoryTicketRepository;
  customers: InMemoryCustomerRepository;
  idempotency: InMemoryIdempotencyStore;
  ticketNumbers: SequentialTicketNumbers;
  messages: InMemoryMessageRepository;
  outbox: InMemoryOutbox;
  verifiedAddresses: InMemoryVerifiedAddresses;
  clock: FakeClock;
  serviceLevels: InMemoryServiceLevelPlans;
  queueCounters: InMemoryQueueCounters;
}

/**
 * Access tokens without a secret: nonces count up (`1`, `2`, …) and the token of nonce `n`
 * is `token-n`, so tests can name both.
 */
export class FakeAccessTokens implements AccessTokens {
  private nonces = 0;

  newNonce(): string {
    return String(++this.nonces);
  }

  async tokenFor(_ticketId: string, nonce: string): Promise<string> {
    return `token-${nonce}`;
  }
}

/**
 * The queue's counters as the use cases see them, counted from the in-memory tickets: a new
 * ticket's standing is the waiting tickets whose queue key sorts before its key.
 */
export class InMemoryQueueCounters implements Pick<QueueCounters, 'aheadOfNew'> {
  /** The keys asked about, in order. */
  readonly asked: string[] = [];
  /** Set to make the next reads fail, like a store that does not answer. */
  failing = false;

  constructor(private readonly tickets: InMemoryTicketRepository) {}

  async aheadOfNew(queueKey: string): Promise<QueueStanding> {
    this.asked.push(queueKey);
    if (this.failing) throw new Error('the counters do not answer');
    const ahead = { contract: 0, standard: 0 };
    for (const [key, ticket] of this.tickets.queueKeys()) {
      if (key < queueKey) ahead[ticket.group] += 1;
    }
    return {
      position: ahead.contract + ahead.standard + 1,
      aheadContract: ahead.contract,
      aheadStandard: ahead.standard,
    };
  }
}

/** Every dependency of the ticket use cases, as one typed object (no module mocking). */
export function fakeDeps(now = '2026-05-04T08:00:00.000Z'): TicketDeps & Fakes {
  let ids = 0;
  const tickets = new InMemoryTicketRepository();
  return {
    tickets,
    queueCounters: new InMemoryQueueCounters(tickets),
    customers: new InMemoryCustomerRepository(),
    idempotency: new InMemoryIdempotencyStore(),
    ticketNumbers: new SequentialTicketNumbers(),
    messages: new InMemoryMessageRepository(),
    outbox: new InMemoryOutbox(),
    verifiedAddresses: new InMemoryVerifiedAddresses(),
    clock: new FakeClock(now),
    serviceLevels: new InMemoryServiceLevelPlans(),
    accessTokens: new FakeAccessTokens(),
    newId: () => `id-${++ids}`,
  };
}

/** A waiting web ticket from an unknown sender, with whatever the test cares about changed. */
export function aTicket(overrides: Partial<StoredTicket> & { ticketId: string }): StoredTicket {
  const receivedAt = overrides.receivedAt ?? '2026-05-04T07:00:00.000Z';
  return {
    status: 'open',
    group: 'standard',
    severity: 'normal',
    receivedAt,
    subject: `Subject of ${overrides.ticketId}`,
    description: 'Something is broken.',
    channel: 'web',
    locale: 'de',
    requester: { name: 'Erika Mustermann', email: 'erika@example.org' },
    updatedAt: receivedAt,
    version: 1,
    accessTokenHash: hashAccessToken(`token-of-${overrides.ticketId}`),
    ...overrides,
  };
}

/** Business metrics as recorded, in order: key, value and dimensions. */
export class RecordingMetrics implements BusinessMetrics {
  readonly recorded: { key: MetricKey; value: number; dimensions?: Record<string, string> }[] = [];

  record<K extends MetricKey>(key: K, value: number, dimensions?: DimensionsOf<K>): void {
    this.recorded.push({ key, value, ...(dimensions ? { dimensions: { ...dimensions } } : {}) });
  }

  /** The values recorded for one metric. */
  of(key: MetricKey): { value: number; dimensions?: Record<string, string> }[] {
    return this.recorded
      .filter((r) => r.key === key)
      .map(({ value, dimensions }) => ({ value, ...(dimensions ? { dimensions } : {}) }));
  }
}
