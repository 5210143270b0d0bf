import { performance } from 'node:perf_hooks';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  BILLING_INDEX,
  CUSTOMER_LIST_INDEX,
  keys,
  RECEIVED_INDEX,
} from '../../functions/adapters/table-design';
import type { StoredTicket } from '../../functions/app/ports';
import { berlinMonth } from '../../functions/domain/calendar';
import type { Customer } from '../../functions/domain/customer';
import { DEFAULT_PRICE_LIST } from '../../functions/domain/default-price-list';
import { monthsEndingWith } from '../../functions/domain/sales';
import { SEVERITIES } from '../../functions/domain/ticket';
import {
  benchCustomers,
  COVERED_CODES,
  createEntryFactory,
  daysIn,
  servicePicker,
} from './billing-data';
import { type BenchContext, fail, settle } from './context';
import { count, ms, ratioTarget, section, table, verdict } from './report';
import { batchWrite, createCustomerShaper, createWorkEntryShaper, type Item } from './store';
import { prng, summarize } from './stats';

/** Entries written per BatchWrite round while seeding, so memory stays low. */
const SEED_CHUNK = 5_000;

interface Seeded {
  months: string[];
  entries: number;
  covered: number;
  tickets: number;
  ms: number;
}

/**
 * Twelve months up to the current one: customers (every fifth with a contract and a fee),
 * work entries as `recordWork` stores them (billable ones in `BILLING#<month>`, wholly
 * covered ones in `COVERED#<month>`), and tickets in the received index.
 */
async function seed(context: BenchContext): Promise<Seeded> {
  const { config, tableName } = context.input;
  const months = monthsEndingWith(berlinMonth(new Date()), 12);
  const customers: Customer[] = benchCustomers(config.salesCustomers, 9090, 600).map((c) =>
    c.contract ? { ...c, contract: { ...c.contract, monthlyFeeCents: 45_000 } } : c,
  );
  const contractCustomers = customers.filter((c) => c.contract);
  const shapeCustomer = createCustomerShaper(tableName);
  const shapeEntry = createWorkEntryShaper(tableName);
  const newEntry = createEntryFactory(5150);
  const random = prng(2718);
  const pickService = servicePicker(random);
  let elapsed = 0;
  const write = async (batch: Item[]) => {
    const started = performance.now();
    await batchWrite(context.db, tableName, batch, config.seedConcurrency);
    elapsed += performance.now() - started;
  };
  const customerItems: Item[] = [];
  for (const customer of customers) customerItems.push(...(await shapeCustomer(customer)));
  await write(customerItems);

  let covered = 0;
  let batch: Item[] = [];
  for (let i = 0; i < config.salesEntries; i++) {
    const month = months[i % months.length] as string;
    const day = String(1 + Math.floor(random() * daysIn(month))).padStart(2, '0');
    const minutes = 5 + Math.floor(random() * 116);
    if (i % 5 === 0) {
      // Wholly covered by a contract: nothing billed.
      const customer = contractCustomers[Math.floor(random() * contractCustomers.length)] ?? null;
      const code = COVERED_CODES[i % COVERED_CODES.length];
      const service = DEFAULT_PRICE_LIST.services.find((s) => s.code === code);
      if (!service) fail(`no service ${code}`);
      batch.push(
        await shapeEntry(
          newEntry({ date: `${month}-${day}`, customer, service, minutes, allowanceLeft: minutes }),
        ),
      );
      covered++;
    } else {
      const customer =
        random() < 0.05 ? null : (customers[Math.floor(random() * customers.length)] ?? null);
      batch.push(
        await shapeEntry(
          newEntry({
            date: `${month}-${day}`,
            customer,
            service: pickService(),
            minutes,
            allowanceLeft: Math.floor(random() * minutes),
          }),
        ),
      );
    }
    if (batch.length >= SEED_CHUNK) {
      await write(batch);
      batch = [];
    }
  }
  const ticketItems: Item[] = [];
  for (let i = 0; i < config.salesTickets; i++) {
    const month = months[i % months.length] as string;
    const customer = customers[Math.floor(random() * customers.length)] as Customer;
    const receivedAt = `${month}-${String(1 + (i % 28)).padStart(2, '0')}T09:${String(i % 60).padStart(2, '0')}:00.000Z`;
    const ticket: StoredTicket = {
      ...context.newTicket(),
      status: 'closed',
      receivedAt,
      updatedAt: receivedAt,
      severity: SEVERITIES[i % SEVERITIES.length] ?? 'normal',
      group: customer.contract ? 'contract' : 'standard',
      customer: { id: customer.customerId, name: customer.name },
    };
    delete ticket.sla;
    ticketItems.push(await context.shape(ticket));
  }
  await write([...batch, ...ticketItems]);
  return {
    months,
    entries: config.salesEntries,
    covered,
    tickets: config.salesTickets,
    ms: elapsed,
  };
}

/** Every item of one partition of an index, page by page: the raw paged Query. */
async function rawPartition(
  context: BenchContext,
  index: { indexName: string; partitionKey: string },
  partition: string,
): Promise<number> {
  let items = 0;
  let startKey: Item | undefined;
  do {
    const page = await context.db.send(
      new QueryCommand({
        TableName: context.input.tableName,
        IndexName: index.indexName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.partitionKey },
        ExpressionAttributeValues: { ':pk': partition },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items += page.Items?.length ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * `GET /reports/contracts` and `GET /reports/upsell?months=12` over a year of work entries,
 * each against the raw paged Queries of the very partitions it reads (the billing index's
 * `BILLING#` and `COVERED#` months, the received index's months, the customer list): the
 * report must keep at least half the raw throughput.
 */
export async function benchSales(context: BenchContext): Promise<void> {
  const { config } = context.input;
  section(
    `SALES REPORTS: ${count(config.salesEntries)} work entries and ${count(config.salesTickets)} tickets over 12 months vs the raw paged Queries`,
  );
  const seeded = await seed(context);
  await settle();
  const current = seeded.months[seeded.months.length - 1] as string;
  const raw = {
    contracts: async () => {
      let items = await rawPartition(context, CUSTOMER_LIST_INDEX, 'CUSTOMERS');
      items += await rawPartition(context, RECEIVED_INDEX, keys.receivedMonth(current));
      for (const month of seeded.months) {
        items += await rawPartition(context, BILLING_INDEX, keys.billingMonth(month));
        items += await rawPartition(context, BILLING_INDEX, keys.coveredMonth(month));
      }
      return items;
    },
    upsell: async () => {
      let items = 0;
      for (const month of seeded.months) {
        items += await rawPartition(context, BILLING_INDEX, keys.billingMonth(month));
      }
      for (const month of seeded.months) {
        items += await rawPartition(context, RECEIVED_INDEX, keys.receivedMonth(month));
      }
      return items;
    },
  };
  const paths = {
    contracts: `/reports/contracts?month=${current}`,
    upsell: '/reports/upsell?months=12',
  };
  const rows: string[][] = [];
  for (const report of ['contracts', 'upsell'] as const) {
    const http = async () => {
      const response = await context.http.send('GET', paths[report], {
        token: context.input.tokens.admin,
      });
      if (response.status !== 200)
        fail(`${paths[report]} answered ${response.status}: ${response.body.slice(0, 200)}`);
      return JSON.parse(response.body) as { rows: unknown[] };
    };
    const first = await http();
    if (first.rows.length === 0) fail(`${paths[report]} found no rows`);
    const items = await raw[report]();
    const times = { report: [] as number[], raw: [] as number[] };
    for (let i = 0; i < config.salesRuns + 1; i++) {
      const order: ['report' | 'raw', () => Promise<unknown>][] = [
        ['report', http],
        ['raw', raw[report]],
      ];
      if (i % 2) order.reverse();
      for (const [name, work] of order) {
        const started = performance.now();
        await work();
        // The first round warms both sides up.
        if (i > 0) times[name].push(performance.now() - started);
      }
    }
    const r = summarize(times.report);
    const q = summarize(times.raw);
    const share = q.median / r.median;
    rows.push(
      [
        `GET ${paths[report]} (JSON, ${count(first.rows.length)} rows)`,
        ms(r.median),
        ms(r.p95),
        count(Math.round((items / r.median) * 1000)),
      ],
      [
        `raw paged Queries of the same partitions (${count(items)} items)`,
        ms(q.median),
        ms(q.p95),
        count(Math.round((items / q.median) * 1000)),
      ],
    );
    console.log(
      `  ${report}: report throughput / raw Query throughput ${(share * 100).toFixed(0)}% (target ≥ 50%) ${verdict(share >= 0.5)}`,
    );
    context.targets.push(
      ratioTarget(
        `Sales ${report} report over 12 months (${count(items)} items): throughput vs raw paged Queries`,
        share,
        'atLeast',
        0.5,
        true,
      ),
    );
  }
  console.log(
    `  seeded ${count(seeded.entries)} entries (${count(seeded.covered)} wholly covered) and ${count(seeded.tickets)} tickets in ${ms(seeded.ms)}; ` +
      `${config.salesRuns} timed runs per side after one warm-up, interleaved`,
  );
  console.log(table(['side', 'p50', 'p95', 'items/s (p50)'], rows));
}
