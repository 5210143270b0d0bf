import type { ExportStore } from '../../../functions/app/export-ports';
import type { Allowances, PriceListStore, WorkEntryRepository } from '../../../functions/app/ports';
import type { RecordWorkDeps } from '../../../functions/app/record-work';
import type { Customer } from '../../../functions/domain/customer';
import { DEFAULT_PRICE_LIST } from '../../../functions/domain/default-price-list';
import type { PriceList } from '../../../functions/domain/price-list';
import { coverableMinutes, isBillable, type WorkEntry } from '../../../functions/domain/work-entry';
import { FakeClock, InMemoryCustomerRepository, InMemoryTicketRepository } from '../fakes';

/**
 * In-memory stand-ins for the billing ports (functions/app/ports.ts, export-ports.ts),
 * with the semantics the DynamoDB adapters promise: conditional writes, an idempotent
 * entry write, a per-customer-month allowance that answers a retried entry the same, and
 * a billing index sorted by customer, date and entry, read page by page.
 * Values are copied in and out, so a use case can never change stored state by mutation.
 */

const copy = <T>(value: T): T => structuredClone(value);

/** Yields to the event loop a few times, so other pending calls can run in between. */
export async function interleave(turns = 1): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class InMemoryPriceListStore implements PriceListStore {
  private list: PriceList;
  /** Every `replace` call in order, with whether it was written. */
  readonly replaces: { version: number; expectedVersion: number; written: boolean }[] = [];
  /** Called after the condition is read, before it is checked: lets a test play "another admin". */
  beforeReplace: ((next: PriceList, expectedVersion: number) => void) | undefined;

  constructor(initial: PriceList = DEFAULT_PRICE_LIST) {
    this.list = copy(initial);
  }

  async current(): Promise<PriceList> {
    return copy(this.list);
  }

  /** Always fresh here: how late a real instance may see a change is the adapter's test. */
  recent(): Promise<PriceList> {
    return this.current();
  }

  async replace(next: PriceList, expectedVersion: number): Promise<boolean> {
    this.beforeReplace?.(copy(next), expectedVersion);
    const written = this.list.version === expectedVersion;
    if (written) this.list = copy(next);
    this.replaces.push({ version: next.version, expectedVersion, written });
    return written;
  }

  /** Another admin stores a list, outside any use case (test setup). */
  force(list: PriceList): void {
    this.list = copy(list);
  }
}

interface AllowanceItem {
  usedMinutes: number;
  /** What each entry took, so a retried entry answers the same. */
  consumed: Map<string, number>;
  /** Bumped on every write: the condition of the optimistic write. */
  version: number;
}

/**
 * One item per customer and month, taken by optimistic locking like the DynamoDB adapter:
 * read, yield to other callers (`turns` times, to force interleaving), then a write
 * conditional on the item being unchanged; a lost round reads again.
 */
export class InMemoryAllowances implements Allowances {
  private readonly items = new Map<string, AllowanceItem>();
  /** Every `consume` call, in call order. */
  readonly calls: {
    customerId: string;
    month: string;
    entryId: string;
    wanted: number;
    included: number;
  }[] = [];
  /** Conditional writes that lost against another writer. */
  conflicts = 0;

  constructor(private readonly turns = 0) {}

  async consume(
    customerId: string,
    month: string,
    entryId: string,
    wanted: number,
    included: number,
  ): Promise<number> {
    this.calls.push({ customerId, month, entryId, wanted, included });
    const key = `${customerId}#${month}`;
    for (;;) {
      const read = this.items.get(key);
      const seen = read ? { used: read.usedMinutes, version: read.version } : undefined;
      const taken = read?.consumed.get(entryId);
      if (taken !== undefined) return taken;
      const covered = coverableMinutes(wanted, seen?.used ?? 0, included);
      await interleave(this.turns);
      const now = this.items.get(key);
      if (now?.version !== seen?.version) {
        this.conflicts++;
        continue;
      }
      const item = now ?? { usedMinutes: 0, consumed: new Map<string, number>(), version: 0 };
      item.usedMinutes += covered;
      item.consumed.set(entryId, covered);
      item.version++;
      this.items.set(key, item);
      return covered;
    }
  }

  usedMinutes(customerId: string, month: string): number {
    return this.items.get(`${customerId}#${month}`)?.usedMinutes ?? 0;
  }

  consumedBy(customerId: string, month: string): Record<string, number> {
    return Object.fromEntries(this.items.get(`${customerId}#${month}`)?.consumed ?? []);
  }
}

/** Compares like DynamoDB compares string sort keys (UTF-8 bytes ≈ code units for ASCII). */
const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The billing index sort key of the adapter: customer (unknown ones after `~`), date, entry. */
export const billingSortKey = (entry: WorkEntry) =>
  `${entry.customer.id ?? `~${entry.customer.name}`}#${entry.date}#${entry.entryId}`;

export class InMemoryWorkEntryRepository implements WorkEntryRepository {
  private readonly entries = new Map<string, WorkEntry>();
  /** Months read through `billableEntriesInMonth`, once per query (not per page). */
  readonly monthQueries: string[] = [];
  /** Pages handed out by `billableEntriesInMonth`. */
  pagesRead = 0;

  constructor(private readonly pageSize = 500) {}

  async add(entry: WorkEntry): Promise<{ entry: WorkEntry; created: boolean }> {
    const stored = this.entries.get(entry.entryId);
    if (stored) return { entry: copy(stored), created: false };
    this.entries.set(entry.entryId, copy(entry));
    return { entry: copy(entry), created: true };
  }

  async get(ticketId: string, entryId: string): Promise<WorkEntry | undefined> {
    const entry = this.entries.get(entryId);
    return entry && entry.ticketId === ticketId ? copy(entry) : undefined;
  }

  async entriesOf(ticketId: string): Promise<WorkEntry[]> {
    return [...this.entries.values()]
      .filter((e) => e.ticketId === ticketId)
      .sort((a, b) => byKey(`${a.date}#${a.entryId}`, `${b.date}#${b.entryId}`))
      .map(copy);
  }

  async billableEntriesOf(ticketId: string): Promise<WorkEntry[]> {
    return (await this.entriesOf(ticketId)).filter(isBillable);
  }

  billableEntriesInMonth(month: string): AsyncIterable<WorkEntry[]> {
    this.monthQueries.push(month);
    return this.pagesOf((e) => isBillable(e) && e.date.slice(0, 7) === month);
  }

  /** Months read through `coveredEntriesInMonth`, once per query. */
  readonly coveredMonthQueries: string[] = [];

  coveredEntriesInMonth(month: string): AsyncIterable<WorkEntry[]> {
    this.coveredMonthQueries.push(month);
    return this.pagesOf(
      (e) => !isBillable(e) && e.coveredMinutes > 0 && e.date.slice(0, 7) === month,
    );
  }

  private async *pagesOf(wanted: (entry: WorkEntry) => boolean): AsyncIterable<WorkEntry[]> {
    const all = [...this.entries.values()]
      .filter(wanted)
      .sort((a, b) => byKey(billingSortKey(a), billingSortKey(b)));
    for (let start = 0; start < all.length; start += this.pageSize) {
      this.pagesRead++;
      yield all.slice(start, start + this.pageSize).map(copy);
    }
  }

  /** Stores entries as they are, synchronously (test setup). */
  seed(...entries: WorkEntry[]): void {
    for (const entry of entries) this.entries.set(entry.entryId, copy(entry));
  }

  all(): WorkEntry[] {
    return [...this.entries.values()].map(copy);
  }
}

/** Counts calls, so a test can prove there is no N+1. */
export class CountingCustomerRepository extends InMemoryCustomerRepository {
  readonly getManyCalls: string[][] = [];
  getCalls = 0;

  override async getMany(customerIds: string[]): Promise<Customer[]> {
    this.getManyCalls.push([...customerIds]);
    return super.getMany(customerIds);
  }

  override async get(customerId: string): Promise<Customer | undefined> {
    this.getCalls++;
    return super.get(customerId);
  }
}

export class InMemoryExportStore implements ExportStore {
  readonly objects = new Map<string, { content: string; contentType: string; chunks: number }>();
  readonly urls: { key: string; fileName: string }[] = [];

  async put(
    key: string,
    chunks: AsyncIterable<string | Uint8Array>,
    contentType: string,
  ): Promise<{ bucket: string; key: string }> {
    const parts: Buffer[] = [];
    for await (const chunk of chunks) {
      parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    }
    this.objects.set(key, {
      content: Buffer.concat(parts).toString('utf8'),
      contentType,
      chunks: parts.length,
    });
    return { bucket: 'exports', key };
  }

  async downloadUrl(key: string, fileName: string): Promise<string> {
    this.urls.push({ key, fileName });
    return `https://exports.example/${encodeURIComponent(key)}?download=${encodeURIComponent(fileName)}`;
  }
}

export interface BillingFakes {
  tickets: InMemoryTicketRepository;
  customers: CountingCustomerRepository;
  priceLists: InMemoryPriceListStore;
  allowances: InMemoryAllowances;
  workEntries: InMemoryWorkEntryRepository;
  clock: FakeClock;
}

/** Every dependency of `recordWork`, as one typed object (no module mocking). */
export function fakeBillingDeps(
  now = '2026-05-04T08:00:00.000Z',
  options: { allowanceTurns?: number; pageSize?: number; priceList?: PriceList } = {},
): RecordWorkDeps & BillingFakes {
  let ids = 0;
  return {
    tickets: new InMemoryTicketRepository(),
    customers: new CountingCustomerRepository(),
    priceLists: new InMemoryPriceListStore(options.priceList),
    allowances: new InMemoryAllowances(options.allowanceTurns),
    workEntries: new InMemoryWorkEntryRepository(options.pageSize),
    clock: new FakeClock(now),
    newId: () => `id-${++ids}`,
  };
}

/** A billable work entry as the repository stores it, with whatever the test cares about. */
export function aWorkEntry(overrides: Partial<WorkEntry> & { entryId: string }): WorkEntry {
  return {
    ticketId: 'T-10001',
    agent: 'petra',
    date: '2026-05-04',
    minutes: 30,
    serviceCode: 'REMOTE',
    serviceName: 'Fernwartung',
    unit: 'quarter_hour',
    description: 'Treiber neu installiert',
    coveredMinutes: 0,
    billableMinutes: 30,
    quantity: 2,
    unitPriceCents: 3900,
    amountCents: 7800,
    currency: 'EUR',
    priceListVersion: 0,
    customer: { id: 'acme', name: 'ACME GmbH' },
    recordedAt: '2026-05-04T09:00:00.000Z',
    ...overrides,
  };
}
