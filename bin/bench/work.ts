import { performance } from 'node:perf_hooks';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from '../../functions/adapters/batch-get';
import { keys } from '../../functions/adapters/table-design';
import type { StoredTicket } from '../../functions/app/ports';
import { DEFAULT_PRICE_LIST } from '../../functions/domain/default-price-list';
import type { WorkEntry } from '../../functions/domain/work-entry';
import { COVERED_CODES, createEntryFactory, description, servicePicker } from './billing-data';
import { type BenchContext, countingStoreCalls, fail, settle } from './context';
import {
  count,
  percent,
  rate,
  ratioTarget,
  section,
  table,
  throughputRuns,
  verdict,
} from './report';
import { batchWrite, createWorkEntryShaper, type Item, timedNewPuts } from './store';
import { prng, runPool, summarize, type Summary } from './stats';

const CONTRACT_CUSTOMERS = 6;
const STANDARD_CUSTOMERS = 4;
const TICKETS = 160;
/**
 * Included minutes per customer and month: small enough that the contracts run out during
 * the bench (so entries race for the last minutes and split), large enough that they
 * cover a good part of it first.
 */
const INCLUDED_MINUTES = 2_400;
/** Work dates go back this many days, so entries fall into two billing months. */
const DAYS_BACK = 45;

type Kind = 'contract' | 'standard' | 'none';

interface BenchTicket {
  ticketId: string;
  kind: Kind;
  customerId: string | null;
}

interface Body {
  minutes: number;
  serviceCode: string;
  description: string;
  date: string;
}

/** What an answered entry said, kept for the checks. */
interface Answered {
  ticket: BenchTicket;
  body: Body;
  entry: WorkEntry;
}

interface Run {
  ops: number;
  ms: number;
  latency: Summary;
}

interface Tally {
  answered: Answered[];
  errors: string[];
}

/**
 * Runs A B B A A B B A (raw PutItem, POST …/work), as intake does, so that drift and the
 * noise of a shared machine fall on both sides alike.
 */
const ORDER = ['raw', 'http', 'http', 'raw', 'raw', 'http', 'http', 'raw'] as const;

/** Six contract customers (REMOTE and PHONE covered) and four without contract, via the API. */
async function createCustomers(context: BenchContext): Promise<void> {
  const put = async (id: string, json: unknown) => {
    const response = await context.http.send('PUT', `/customers/${id}`, {
      token: context.input.tokens.admin,
      json,
    });
    if (response.status !== 201 && response.status !== 200) {
      fail(`PUT /customers answered ${response.status}: ${response.body}`);
    }
  };
  for (let i = 0; i < CONTRACT_CUSTOMERS; i++) {
    await put(`bench-vertrag-${i}`, {
      name: `Vertragskunde ${i} GmbH`,
      domains: [`vertrag${i}.bench.example`],
      contacts: [],
      contract: {
        id: `BV-${i}`,
        validFrom: '2000-01-01',
        includedMinutesPerMonth: INCLUDED_MINUTES,
        coveredServiceCodes: COVERED_CODES,
      },
    });
  }
  for (let i = 0; i < STANDARD_CUSTOMERS; i++) {
    await put(`bench-kunde-${i}`, {
      name: `Kunde ${i} AG`,
      domains: [`kunde${i}.bench.example`],
      contacts: [],
    });
  }
}

/**
 * Open tickets (items as DynamoTicketRepository.create writes them): four in ten of contract
 * customers, three of customers without contract, three of senders without a customer.
 */
async function seedTickets(context: BenchContext): Promise<BenchTicket[]> {
  const tickets: BenchTicket[] = [];
  const items: Item[] = [];
  for (let t = 0; t < TICKETS; t++) {
    const base = context.newTicket();
    const slot = t % 10;
    const kind: Kind = slot < 4 ? 'contract' : slot < 7 ? 'standard' : 'none';
    const { customer: _unused, ...rest } = base;
    let ticket: StoredTicket = { ...rest, group: 'standard' };
    if (kind === 'contract') {
      const i = t % CONTRACT_CUSTOMERS;
      ticket = {
        ...rest,
        group: 'contract',
        customer: { id: `bench-vertrag-${i}`, name: `Vertragskunde ${i} GmbH` },
      };
    } else if (kind === 'standard') {
      const i = t % STANDARD_CUSTOMERS;
      ticket = {
        ...rest,
        group: 'standard',
        customer: { id: `bench-kunde-${i}`, name: `Kunde ${i} AG` },
      };
    }
    items.push(await context.shape(ticket));
    tickets.push({ ticketId: ticket.ticketId, kind, customerId: ticket.customer?.id ?? null });
  }
  await batchWrite(
    context.db,
    context.input.tableName,
    items,
    context.input.config.seedConcurrency,
  );
  return tickets;
}

/** Deterministic request bodies: codes by the usual mix, 5–120 minutes, the last 45 days. */
function bodies(tickets: BenchTicket[], n: number, seed: number) {
  const random = prng(seed);
  const pick = servicePicker(random);
  const today = Date.now();
  return Array.from({ length: n }, () => {
    const ticket = tickets[Math.floor(random() * tickets.length)] ?? fail('no ticket');
    // UTC days: never after today in Europe/Berlin, which is never behind UTC.
    const date = new Date(today - Math.floor(random() * DAYS_BACK) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const body: Body = {
      minutes: 5 + Math.floor(random() * 116),
      serviceCode: pick().code,
      description: description(random),
      date,
    };
    return { ticket, body };
  });
}

/** The agents log `n` entries on random tickets, one request in flight per agent. */
async function httpWork(
  context: BenchContext,
  tickets: BenchTicket[],
  n: number,
  seed: number,
  tally: Tally,
): Promise<Run> {
  const agents = context.input.tokens.agents;
  const work = bodies(tickets, n, seed);
  const latencies: number[] = [];
  const started = performance.now();
  await runPool(n, agents.length, async (index, lane) => {
    const agent = agents[lane] ?? fail('no agent');
    const { ticket, body } = work[index] ?? fail('no body');
    const t0 = performance.now();
    const response = await context.http.send('POST', `/tickets/${ticket.ticketId}/work`, {
      token: agent.token,
      json: body,
    });
    latencies.push(performance.now() - t0);
    if (response.status !== 201) {
      tally.errors.push(`${response.status} ${response.body.slice(0, 200)}`);
      return;
    }
    const entry = JSON.parse(response.body) as WorkEntry;
    if (entry.agent !== agent.sub) tally.errors.push(`entry ${entry.entryId} names ${entry.agent}`);
    tally.answered.push({ ticket, body, entry });
  });
  return { ops: n, ms: performance.now() - started, latency: summarize(latencies) };
}

/** The raw store operation behind an entry: a conditional PutItem of its item, if new. */
async function rawPuts(context: BenchContext, n: number, seed: number): Promise<Run> {
  const shape = createWorkEntryShaper(context.input.tableName);
  const newEntry = createEntryFactory(seed);
  const random = prng(seed);
  const pick = servicePicker(random);
  const items: Item[] = [];
  for (let i = 0; i < n; i++) {
    const entry = newEntry({
      date: new Date().toISOString().slice(0, 10),
      customer: null,
      service: pick(),
      minutes: 5 + Math.floor(random() * 116),
    });
    items.push(await shape(entry));
  }
  return timedNewPuts(
    context.db,
    context.input.tableName,
    items,
    context.input.tokens.agents.length,
  );
}

interface Allowance {
  customerId: string;
  month: string;
  /** Covered minutes the answers gave, summed. */
  answered: number;
  /** Entries of a covered code that took minutes of this allowance (one record each). */
  takers: number;
  /** What the allowance item says. */
  used: number;
  recorded: number;
}

interface Verification {
  /** Answers that contradict the rules or themselves (first few). */
  wrong: string[];
  wrongCount: number;
  allowances: Allowance[];
  /** Entries answered 201 but not (or not so) in the table. */
  missing: number;
  differing: number;
  split: number;
  exhausted: number;
}

/**
 * Every 201 agrees with the rules, every entry is in the table as answered, and per
 * contract customer and month the covered minutes never exceed the included ones and
 * equal what the allowance item recorded (no minutes given twice, none lost).
 */
async function verify(context: BenchContext, answered: Answered[]): Promise<Verification> {
  const prices = new Map(DEFAULT_PRICE_LIST.services.map((s) => [s.code, s.unitPriceCents]));
  const result: Verification = {
    wrong: [],
    wrongCount: 0,
    allowances: [],
    missing: 0,
    differing: 0,
    split: 0,
    exhausted: 0,
  };
  const wrong = (what: string) => {
    result.wrongCount++;
    if (result.wrong.length < 5) result.wrong.push(what);
  };
  const byAllowance = new Map<string, Allowance>();
  for (const { ticket, body, entry } of answered) {
    const covers = ticket.kind === 'contract' && COVERED_CODES.includes(body.serviceCode);
    if (
      entry.minutes !== body.minutes ||
      entry.date !== body.date ||
      entry.serviceCode !== body.serviceCode ||
      entry.coveredMinutes + entry.billableMinutes !== entry.minutes ||
      entry.coveredMinutes < 0 ||
      (!covers && entry.coveredMinutes !== 0) ||
      entry.unitPriceCents !== prices.get(entry.serviceCode) ||
      entry.amountCents !== entry.quantity * entry.unitPriceCents ||
      entry.billableMinutes > 0 !== entry.quantity > 0 ||
      entry.customer.id !== ticket.customerId
    ) {
      wrong(`${entry.entryId}: ${JSON.stringify(entry).slice(0, 300)}`);
    }
    if (!covers || !ticket.customerId) continue;
    if (entry.coveredMinutes > 0 && entry.billableMinutes > 0) result.split++;
    if (entry.coveredMinutes === 0) result.exhausted++;
    const month = entry.date.slice(0, 7);
    const key = `${ticket.customerId} ${month}`;
    const tally = byAllowance.get(key) ?? {
      customerId: ticket.customerId,
      month,
      answered: 0,
      takers: 0,
      used: 0,
      recorded: 0,
    };
    tally.answered += entry.coveredMinutes;
    // An entry that found nothing left wrote nothing to the allowance.
    if (entry.coveredMinutes > 0) tally.takers++;
    byAllowance.set(key, tally);
  }
  for (const tally of byAllowance.values()) {
    const { Item } = await context.db.send(
      new GetCommand({
        TableName: context.input.tableName,
        Key: keys.allowance(tally.customerId, tally.month),
        ConsistentRead: true,
      }),
    );
    tally.used = Number(Item?.usedMinutes ?? 0);
    tally.recorded = Object.keys(
      (Item?.consumed as Record<string, number> | undefined) ?? {},
    ).length;
    result.allowances.push(tally);
  }
  const stored = await batchGet(
    context.db,
    context.input.tableName,
    answered.map(({ entry }) => keys.workEntry(entry.ticketId, entry.entryId)),
  );
  const byId = new Map(stored.map((item) => [String(item.entryId), item]));
  for (const { entry } of answered) {
    const item = byId.get(entry.entryId);
    if (!item) result.missing++;
    else if (
      item.coveredMinutes !== entry.coveredMinutes ||
      item.amountCents !== entry.amountCents
    ) {
      result.differing++;
    }
  }
  return result;
}

export async function benchWork(context: BenchContext): Promise<void> {
  const { config, tokens } = context.input;
  const agents = tokens.agents.length;
  const n = config.workEntries;
  section(
    `WORK: POST /tickets/{id}/work from ${agents} agents vs raw PutItem with ${agents} workers`,
  );
  await createCustomers(context);
  const tickets = await seedTickets(context);
  console.log(
    `  ${CONTRACT_CUSTOMERS} contract customers (REMOTE and PHONE covered, ` +
      `${count(INCLUDED_MINUTES)} min a month) and ${STANDARD_CUSTOMERS} without, via ` +
      `PUT /customers; ${TICKETS} open tickets (40% contract, 30% standard customer, 30% no ` +
      `customer); entries of 5–120 min over the last ${DAYS_BACK} days, codes as logged in ` +
      'practice (55% REMOTE or PHONE).',
  );

  const tally: Tally = { answered: [], errors: [] };
  // Warm-up on both sides: handlers loaded, JWKS fetched, connections open, JIT warm.
  await httpWork(context, tickets, Math.min(200, n), 1, tally);
  await rawPuts(context, Math.min(200, n), 1);

  const block = Math.ceil(n / ORDER.filter((side) => side === 'http').length);
  const runs: { side: 'raw' | 'http'; run: Run }[] = [];
  let seed = 2;
  for (const side of ORDER) {
    await settle();
    const run =
      side === 'raw'
        ? await rawPuts(context, block, 100 + seed++)
        : await countingStoreCalls(
            context,
            'work entry',
            () => httpWork(context, tickets, block, seed++, tally),
            (r) => r.ops,
          );
    runs.push({ side, run });
  }

  const { rows, http, raw } = throughputRuns(runs, { raw: 'raw PutItem', http: 'POST …/work' });
  for (const [label, t] of [
    ['POST …/work (total)', http],
    ['raw PutItem (total)', raw],
  ] as const) {
    rows.push([label, count(t.ops), `${(t.ms / 1000).toFixed(2)} s`, rate(t.rate), '', '']);
  }
  console.log(table(['', 'ops', 'time', 'rate', 'p50', 'p95'], rows));
  const share = http.rate / raw.rate;
  console.log(
    `\n  entries/s vs PutItem/s: ${percent(share)} (target ≥ 30%) ${verdict(share >= 0.3)}`,
  );

  const check = await verify(context, tally.answered);
  const over = check.allowances.filter((a) => a.answered > INCLUDED_MINUTES);
  const disagree = check.allowances.filter((a) => a.used !== a.answered || a.recorded !== a.takers);
  const sent = tally.answered.length + tally.errors.length;
  console.log(
    `  ${count(tally.answered.length)} of ${count(sent)} entries answered 201 (warm-up included); ` +
      `answers against the rules: ${check.wrongCount}; not in the table as answered: ` +
      `${check.missing + check.differing}; covered-code entries of contract customers: ` +
      `${count(check.allowances.reduce((s, a) => s + a.takers, 0) + check.exhausted)} (split ${check.split}, ` +
      `nothing left ${check.exhausted})`,
  );
  console.log(
    `  allowances (customer × month, ${count(INCLUDED_MINUTES)} min included): ` +
      check.allowances
        .map((a) => `${a.customerId.replace('bench-vertrag-', 'V')} ${a.month} ${a.answered}`)
        .join(', ') +
      `; over the allowance: ${over.length}; item disagrees with the answers: ${disagree.length}`,
  );
  for (const what of [...tally.errors.slice(0, 3), ...check.wrong]) console.log(`    ${what}`);
  const clean =
    tally.errors.length === 0 &&
    check.wrongCount + check.missing + check.differing === 0 &&
    over.length + disagree.length === 0;
  context.targets.push({
    name: 'work: every entry 201 as the rules say, allowance never exceeded',
    measured: clean ? 'yes' : 'NO',
    target: 'yes',
    ok: clean,
  });
  context.targets.push(
    ratioTarget(`work: entries/s vs PutItem/s (${agents} concurrent)`, share, 'atLeast', 0.3, true),
  );
}
