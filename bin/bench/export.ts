import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoCustomerRepository } from '../../functions/adapters/customer-repository';
import { BILLING_INDEX, keys } from '../../functions/adapters/table-design';
import { DynamoWorkEntryRepository } from '../../functions/adapters/work-entry-repository';
import { exportBilling, type ExportDeps } from '../../functions/app/export-billing';
import { EXPORT_COLUMNS } from '../../functions/domain/billing-export';
import type { Customer } from '../../functions/domain/customer';
import { DEFAULT_PRICE_LIST } from '../../functions/domain/default-price-list';
import type { WorkEntry } from '../../functions/domain/work-entry';
import {
  benchCustomers,
  COVERED_CODES,
  createEntryFactory,
  daysIn,
  monthBefore,
  servicePicker,
} from './billing-data';
import { type BenchContext, countingStoreCalls, fail, settle } from './context';
import { createCsvReader } from './csv';
import type { ExportJob, ExportJobAnswer } from './export-process';
import { download } from './http-client';
import { count, percent, rate, ratioTarget, section, table, verdict } from './report';
import { mb, quartiles, type RssReading, type RssSampler, startRssSampler } from './rss';
import { batchWrite, createCustomerShaper, createWorkEntryShaper, type Item } from './store';
import { prng } from './stats';

/** Items per Query page: the work entry repository's own page size for the export. */
const PAGE = 500;
/** Entries generated and written at a time while seeding, so the bench's memory stays low. */
const SEED_CHUNK = 5_000;
/** Peak RSS of the process while exporting, above its RSS right before (issue 5). */
const RSS_LIMIT_BYTES = 100e6;
/** The export route's timeout (lib/service-desk-api.ts, API Gateway's 29 s). */
const ROUTE_TIMEOUT_S = 29;

interface Seeded {
  month: string;
  warmMonth: string;
  /** Billable entries of `month`: the rows its export must have. */
  billable: number;
  /** Entries of `month` with nothing to bill (fully covered): not in its billing partition. */
  free: number;
  warmBillable: number;
  amountCents: number;
  /** Current customer names by id (some entries recorded an older name). */
  names: Map<string, string>;
  customers: number;
  items: number;
  ms: number;
}

/**
 * Seeds the month: a few thousand customers (items as DynamoCustomerRepository.save writes
 * them), then billable work entries (items as DynamoWorkEntryRepository.add writes them,
 * billing index keys included), one in 21 of them free, and a smaller neighbouring month
 * that the export must leave out (used for the warm-up).
 */
async function seed(context: BenchContext): Promise<Seeded> {
  const { config, tableName } = context.input;
  const now = new Date();
  const month = monthBefore(now, 1);
  const warmMonth = monthBefore(now, 2);
  const customers = benchCustomers(config.exportCustomers, 4242, 600);
  const contractCustomers = customers.filter((c) => c.contract);
  const shapeCustomer = createCustomerShaper(tableName);
  const shapeEntry = createWorkEntryShaper(tableName);
  const newEntry = createEntryFactory(4711);
  const random = prng(815);
  const pickService = servicePicker(random);
  // Every tenth customer was renamed after its entries were recorded.
  const renamed = (c: Customer) => Number(c.customerId.slice(3)) % 10 === 3;
  const names = new Map(customers.map((c) => [c.customerId, c.name]));

  let items = 0;
  let ms = 0;
  const write = async (batch: Item[]) => {
    const started = performance.now();
    await batchWrite(context.db, tableName, batch, config.seedConcurrency);
    ms += performance.now() - started;
    items += batch.length;
  };

  const customerItems: Item[] = [];
  for (const customer of customers) customerItems.push(...(await shapeCustomer(customer)));
  await write(customerItems);

  let amountCents = 0;
  const entry = (inMonth: string, free: boolean): WorkEntry => {
    const day = String(1 + Math.floor(random() * daysIn(inMonth))).padStart(2, '0');
    const minutes = 5 + Math.floor(random() * 116);
    if (free) {
      // Fully covered by the contract: nothing billed, so not in the month's billing partition.
      const customer = contractCustomers[Math.floor(random() * contractCustomers.length)] ?? null;
      const code = COVERED_CODES[Math.floor(random() * COVERED_CODES.length)];
      const service = DEFAULT_PRICE_LIST.services.find((s) => s.code === code);
      if (!service) fail(`no service ${code}`);
      return newEntry({
        date: `${inMonth}-${day}`,
        customer,
        service,
        minutes,
        allowanceLeft: minutes,
      });
    }
    const customer =
      random() < 0.02 ? null : (customers[Math.floor(random() * customers.length)] ?? null);
    const service = pickService();
    return newEntry({
      date: `${inMonth}-${day}`,
      customer,
      ...(customer && renamed(customer) ? { recordedName: `Alt ${customer.name}` } : {}),
      service,
      minutes,
      // Covered entries of contract customers split: part of them is still billed.
      allowanceLeft: Math.floor(random() * minutes),
    });
  };

  const warmBillable = Math.max(100, Math.round(config.exportEntries / 50));
  let billable = 0;
  let free = 0;
  let batch: Item[] = [];
  for (let i = 0; i < warmBillable; i++) batch.push(await shapeEntry(entry(warmMonth, false)));
  while (billable < config.exportEntries) {
    // One free entry after every 20 billable ones.
    const isFree = (billable + free) % 21 === 20;
    const next = entry(month, isFree);
    if (isFree !== (next.amountCents === 0)) fail(`entry ${next.entryId} is not as planned`);
    if (isFree) free++;
    else {
      billable++;
      amountCents += next.amountCents;
    }
    batch.push(await shapeEntry(next));
    if (batch.length >= SEED_CHUNK) {
      await write(batch);
      batch = [];
    }
  }
  await write(batch);
  return {
    month,
    warmMonth,
    billable,
    free,
    warmBillable,
    amountCents,
    names,
    customers: customers.length,
    items,
    ms,
  };
}

interface Pass {
  rows: number;
  ms: number;
  /** RSS right before the pass, its peak and its course (bytes). */
  rss: RssReading;
  /** sha256 of the entry ids in order (raw), or of the CSV text (export). */
  digest: string;
  bytes?: number;
}

/** The raw store operation behind the export: the paged Query on the billing index. */
async function rawPass(context: BenchContext, month: string, rss: RssSampler): Promise<Pass> {
  const ids = createHash('sha256');
  let rows = 0;
  let startKey: Item | undefined;
  const window = rss.open();
  const started = performance.now();
  do {
    const page = await context.db.send(
      new QueryCommand({
        TableName: context.input.tableName,
        IndexName: BILLING_INDEX.indexName,
        KeyConditionExpression: '#pk = :month',
        ExpressionAttributeNames: { '#pk': BILLING_INDEX.partitionKey },
        ExpressionAttributeValues: { ':month': keys.billingMonth(month) },
        Limit: PAGE,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      rows++;
      ids.update(`${String(item.entryId)}\n`);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const took = performance.now() - started;
  return { rows, ms: took, rss: window.close(), digest: ids.digest('hex') };
}

interface Calls {
  pages: number;
  getMany: number;
  customerIds: number;
}

/**
 * The product's export ports over the same client the raw side uses, counting what the
 * export asks of them (Query pages; customer lookups and how many ids they name).
 */
function exportDeps(context: BenchContext): { deps: ExportDeps; calls: Calls } {
  const { db, input } = context;
  const entries = new DynamoWorkEntryRepository(db, input.tableName);
  const customers = new DynamoCustomerRepository(db, input.tableName);
  const calls: Calls = { pages: 0, getMany: 0, customerIds: 0 };
  async function* counted(pages: AsyncIterable<WorkEntry[]>) {
    for await (const page of pages) {
      calls.pages++;
      yield page;
    }
  }
  return {
    calls,
    deps: {
      workEntries: {
        billableEntriesInMonth: (month) => counted(entries.billableEntriesInMonth(month)),
      },
      customers: {
        getMany: (ids) => {
          calls.getMany++;
          calls.customerIds += ids.length;
          return customers.getMany(ids);
        },
      },
    },
  };
}

/**
 * The product's export stream, `exportBilling(deps, month, 'csv')`, consumed to the end
 * in this thread: each chunk is only counted and hashed (the check reads the same bytes
 * from the HTTP path's file, see below). `rows` is filled in from that check.
 */
async function exportPass(deps: ExportDeps, month: string, rss: RssSampler): Promise<Pass> {
  const text = createHash('sha256');
  let bytes = 0;
  const window = rss.open();
  const started = performance.now();
  for await (const chunk of exportBilling(deps, month, 'csv')) {
    bytes += Buffer.byteLength(chunk);
    text.update(chunk);
  }
  const took = performance.now() - started;
  return { rows: 0, ms: took, rss: window.close(), digest: text.digest('hex'), bytes };
}

interface Check {
  rows: number;
  bytes: number;
  /** sha256 of the whole text, to compare with the in-process export's. */
  textDigest: string;
  /** sha256 of the entry ids in order, to compare with the raw Query's. */
  idDigest: string;
  amountCents: number;
  problems: string[];
  problemCount: number;
}

/**
 * Reads an export as CSV (the bench's own RFC 4180 reader) and checks every row: the
 * header, 17 fields, strictly ascending (customer, date, entry), the month, the customer's
 * current name, money consistent in cents and decimals.
 */
function createExportCheck(seeded: Seeded) {
  const text = createHash('sha256');
  const ids = createHash('sha256');
  const result: Check = {
    rows: 0,
    bytes: 0,
    textDigest: '',
    idDigest: '',
    amountCents: 0,
    problems: [],
    problemCount: 0,
  };
  const problem = (what: string) => {
    result.problemCount++;
    if (result.problems.length < 5) result.problems.push(what);
  };
  const decimal = (cents: number) =>
    `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  const column = Object.fromEntries(EXPORT_COLUMNS.map((name, i) => [name, i])) as Record<
    (typeof EXPORT_COLUMNS)[number],
    number
  >;
  let header = false;
  let previous: [string, string, string] | undefined;
  const reader = createCsvReader((fields) => {
    if (!header) {
      header = true;
      if (fields.join() !== EXPORT_COLUMNS.join()) problem(`header ${fields.join()}`);
      return;
    }
    result.rows++;
    if (fields.length !== EXPORT_COLUMNS.length) {
      problem(`row ${result.rows} has ${fields.length} fields`);
      return;
    }
    const get = (name: (typeof EXPORT_COLUMNS)[number]) => fields[column[name]] ?? '';
    const customerId = get('customerId');
    const name = get('customerName');
    const key: [string, string, string] = [
      customerId || `~${name}`,
      get('workDate'),
      get('entryId'),
    ];
    if (previous && !isAscending(previous, key)) {
      problem(`row ${result.rows} (${key.join(' ')}) after (${previous.join(' ')})`);
    }
    previous = key;
    ids.update(`${key[2]}\n`);
    if (!key[1].startsWith(`${seeded.month}-`)) problem(`row ${result.rows}: date ${key[1]}`);
    const wantedName = customerId ? seeded.names.get(customerId) : undefined;
    if (customerId ? name !== wantedName : !name.endsWith('@privat.example')) {
      problem(`row ${result.rows}: name ${JSON.stringify(name)} for ${customerId || '-'}`);
    }
    const cents = Number(get('amountCents'));
    const unit = Number(get('unitPriceCents'));
    const quantity = Number(get('quantity'));
    const billable = Number(get('billableMinutes'));
    if (
      !(cents > 0) ||
      cents !== quantity * unit ||
      get('amount') !== decimal(cents) ||
      get('unitPrice') !== decimal(unit) ||
      get('currency') !== 'EUR' ||
      !(billable >= 1 && billable <= Number(get('minutes')))
    ) {
      problem(`row ${result.rows}: money or minutes inconsistent: ${fields.join('|')}`);
    }
    result.amountCents += cents;
  });
  return {
    push(chunk: string) {
      result.bytes += Buffer.byteLength(chunk);
      text.update(chunk);
      reader.push(chunk);
    },
    end(): Check {
      reader.end();
      result.textDigest = text.digest('hex');
      result.idDigest = ids.digest('hex');
      return result;
    },
  };
}

function isAscending(a: [string, string, string], b: [string, string, string]): boolean {
  for (let i = 0; i < 3; i++) {
    if ((a[i] as string) < (b[i] as string)) return true;
    if ((a[i] as string) > (b[i] as string)) return false;
  }
  return false;
}

/** The month's export in a process that does nothing else (bin/bench/export-process.ts). */
function isolatedExport(context: BenchContext, seeded: Seeded) {
  const job: ExportJob = {
    endpoint: context.input.dynamoDbEndpoint,
    tableName: context.input.tableName,
    month: seeded.month,
    warmMonth: seeded.warmMonth,
  };
  return new Promise<Extract<ExportJobAnswer, { ok: true }>>((resolve, reject) => {
    let answer: ExportJobAnswer | undefined;
    const child = fork(fileURLToPath(new URL('./export-process.ts', import.meta.url)), {
      execArgv: process.execArgv,
      env: { ...process.env, BENCH_EXPORT_JOB: JSON.stringify(job) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (message: ExportJobAnswer) => (answer = message));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (answer?.ok) resolve(answer);
      else reject(new Error(answer?.error ?? `the export process exited with ${code}`));
    });
  });
}

interface HttpRun {
  status: number;
  /** Until the API answered (303 after the whole export went to the bucket). */
  answerMs: number;
  /** Following the link: download, read and checked by the bench. */
  downloadMs: number;
  rss: RssReading;
  check: Check;
}

/**
 * `GET /exports/billing?month=…&format=csv` as finance: above 5 MB the API answers 303 to a
 * presigned link of the S3 stand-in, which the bench follows, reading the file as it comes.
 */
async function httpExport(
  context: BenchContext,
  seeded: Seeded,
  rss: RssSampler,
): Promise<HttpRun> {
  const check = createExportCheck(seeded);
  const window = rss.open();
  const started = performance.now();
  const response = await context.http.send(
    'GET',
    `/exports/billing?month=${seeded.month}&format=csv`,
    { token: context.input.tokens.finance, headers: { accept: 'text/csv' } },
  );
  const answerMs = performance.now() - started;
  const memory = window.close();
  const location = response.headers.location;
  const t0 = performance.now();
  if (response.status === 303 && location) {
    const file = await download(location, (text) => check.push(text));
    if (file.status !== 200) fail(`the export link answered ${file.status}`);
  } else if (response.status === 200) {
    check.push(response.body);
  } else {
    fail(`GET /exports/billing answered ${response.status}: ${response.body.slice(0, 300)}`);
  }
  const result = check.end();
  return {
    status: response.status,
    answerMs,
    downloadMs: performance.now() - t0,
    rss: memory,
    check: result,
  };
}

export async function benchExport(context: BenchContext): Promise<void> {
  const { config } = context.input;
  section(
    `EXPORT: exportBilling(csv) of a month with ${count(config.exportEntries)} billable ` +
      'entries vs raw paged Query on index "billing"',
  );
  const seeded = await seed(context);
  console.log(
    `  Seeded ${count(seeded.customers)} customers and ${count(seeded.billable)} billable + ` +
      `${count(seeded.free)} free entries of ${seeded.month}, ${count(seeded.warmBillable)} of ` +
      `${seeded.warmMonth} (warm-up month): ${count(seeded.items)} items with BatchWriteItem in ` +
      `${(seeded.ms / 1000).toFixed(1)} s (${rate((seeded.items / seeded.ms) * 1000)}), made by ` +
      "the product's repositories (customers: save; entries: add, billing index keys included).",
  );

  const rss = startRssSampler(50);
  try {
    const { deps, calls } = exportDeps(context);
    // Warm-up on the small month: code loaded, JIT warm, connections open, on every side.
    for (let i = 0; i < 2; i++) {
      const raw = await rawPass(context, seeded.warmMonth, rss);
      if (raw.rows !== seeded.warmBillable) fail(`warm-up month: raw Query read ${raw.rows} rows`);
      await exportPass(deps, seeded.warmMonth, rss);
      const warm = await context.http.send(
        'GET',
        `/exports/billing?month=${seeded.warmMonth}&format=csv`,
        { token: context.input.tokens.finance },
      );
      if (warm.status !== 200 && warm.status !== 303) {
        fail(`warm-up export answered ${warm.status}: ${warm.body.slice(0, 300)}`);
      }
    }

    // A B B A: raw, export, export, raw, each over the whole month.
    const runs: { side: 'raw' | 'export'; pass: Pass; calls?: Calls }[] = [];
    for (const side of ['raw', 'export', 'export', 'raw'] as const) {
      await settle();
      if (side === 'raw') {
        runs.push({ side, pass: await rawPass(context, seeded.month, rss) });
      } else {
        Object.assign(calls, { pages: 0, getMany: 0, customerIds: 0 });
        runs.push({ side, pass: await exportPass(deps, seeded.month, rss), calls: { ...calls } });
      }
    }

    await settle();
    const isolated = await isolatedExport(context, seeded);
    await settle();
    const http = await countingStoreCalls(
      context,
      'HTTP export of the month',
      () => httpExport(context, seeded, rss),
      () => 1,
    );
    const check = http.check;

    // Checks: the raw Query read every billable entry once; the export's text (identical in
    // every run and in the HTTP path's file) has exactly those rows, in the index's order.
    const rawRuns = runs.filter((r) => r.side === 'raw').map((r) => r.pass);
    const exportRuns = runs.filter((r) => r.side === 'export').map((r) => r.pass);
    const rawDigest = rawRuns[0]?.digest;
    const failures: string[] = [];
    for (const run of rawRuns) {
      if (run.rows !== seeded.billable) failures.push(`raw Query read ${run.rows} rows`);
      if (run.digest !== rawDigest) failures.push('two raw Query walks differ');
    }
    for (const run of exportRuns) {
      if (run.digest !== check.textDigest) {
        failures.push('an in-process export differs from the HTTP path’s file');
      }
      run.rows = check.rows;
    }
    if (check.rows !== seeded.billable) {
      failures.push(`the export has ${check.rows} rows, ${seeded.billable} entries are billable`);
    }
    if (check.idDigest !== rawDigest) failures.push('export rows differ from the index order');
    if (check.amountCents !== seeded.amountCents) {
      failures.push(`export total ${check.amountCents} cents, seeded ${seeded.amountCents}`);
    }
    if (check.problemCount > 0) failures.push(`${check.problemCount} bad rows`);

    const total = (side: 'raw' | 'export') => {
      const mine = runs.filter((r) => r.side === side).map((r) => r.pass);
      const rows = mine.reduce((sum, r) => sum + r.rows, 0);
      const took = mine.reduce((sum, r) => sum + r.ms, 0);
      return { rows, ms: took, rate: (rows / took) * 1000 };
    };
    const delta = (p: RssReading) => p.peak - p.idle;
    const rows = runs.map(({ side, pass }, i) => [
      `${side === 'raw' ? 'raw Query, Limit 500' : 'exportBilling csv'} (run ${i + 1})`,
      count(pass.rows),
      `${(pass.ms / 1000).toFixed(2)} s`,
      rate((pass.rows / pass.ms) * 1000),
      mb(pass.rss.idle),
      mb(pass.rss.peak),
      `+${mb(delta(pass.rss))}`,
    ]);
    const exp = total('export');
    const raw = total('raw');
    for (const [label, t] of [
      ['exportBilling (total)', exp],
      ['raw Query (total)', raw],
    ] as const) {
      rows.push([label, count(t.rows), `${(t.ms / 1000).toFixed(2)} s`, rate(t.rate), '', '', '']);
    }
    console.log(table(['', 'rows', 'time', 'rows/s', 'idle RSS', 'peak RSS', 'peak − idle'], rows));
    const share = exp.rate / raw.rate;
    const worstShared = Math.max(...exportRuns.map((r) => delta(r.rss)));
    const worstRaw = Math.max(...rawRuns.map((r) => delta(r.rss)));
    const alone = delta(isolated.rss);
    const rssOk = alone <= RSS_LIMIT_BYTES;
    if (isolated.digest !== check.textDigest) {
      failures.push('the export in a process of its own differs from the HTTP path’s file');
    }
    console.log(
      `\n  export rows/s vs raw paged Query rows/s: ${percent(share)} (target ≥ 60%) ` +
        `${verdict(share >= 0.6)}`,
    );
    console.log(
      `  peak RSS while exporting, above the RSS right before (sampled every 50 ms from a ` +
        `thread of its own):\n    in a process that only exports (as the export function ` +
        `would): idle ${mb(isolated.rss.idle)}, peak ${mb(isolated.rss.peak)}: ` +
        `+${mb(alone)} (target ≤ ${mb(RSS_LIMIT_BYTES)}) ${verdict(rssOk)}; ` +
        `${rate((check.rows / isolated.ms) * 1000)} rows (one run, not interleaved); RSS in MB at ` +
        `0, 25, 50, 75, 100% of the run: ${quartiles(isolated.rss)}\n    in the scenario's ` +
        `process (dynalite, API and bench too): export runs +${mb(worstShared)} at most, ` +
        `raw Query walks +${mb(worstRaw)}; RSS in MB at 0, 25, 50, 75, 100% of each run: ` +
        runs.map(({ pass }, i) => `run ${i + 1}: ${quartiles(pass.rss)}`).join('; '),
    );
    const last = runs.find((r) => r.side === 'export');
    if (last?.calls) {
      console.log(
        `  one export asked its ports for ${count(last.calls.pages)} Query pages of ≤ ${PAGE} and ` +
          `${count(last.calls.getMany)} customer look-ups naming ${count(last.calls.customerIds)} ` +
          `ids (BatchGetItem of ≤ 100 keys each); CSV ${mb(exportRuns[0]?.bytes ?? 0)}.`,
      );
    }
    const answer = http.status === 303 ? '303 to a presigned S3 link' : `${http.status} inline`;
    const httpRate = (check.rows / http.answerMs) * 1000;
    console.log(
      `  HTTP: GET /exports/billing?month=${seeded.month}&format=csv answered ${answer} after ` +
        `${(http.answerMs / 1000).toFixed(2)} s (${rate(httpRate)} rows, ` +
        `${percent(httpRate / raw.rate)} of raw; the route's timeout is ${ROUTE_TIMEOUT_S} s); ` +
        `following the link, download and check took ${(http.downloadMs / 1000).toFixed(2)} s ` +
        `(${mb(check.bytes)}). Peak RSS of the scenario's process until the answer ` +
        `+${mb(delta(http.rss))} (the S3 stand-in in it keeps the object in memory).`,
    );
    const clean = failures.length === 0;
    console.log(
      `  checks: ${count(check.rows)} rows = billable entries seeded; the CSV parses ` +
        `(RFC 4180, 17 fields); strictly in (customer, date, entry) order; same sequence as ` +
        `the raw Query; current customer names; cents and decimals agree; total ` +
        `${check.amountCents} cents as seeded; every export run byte-identical to the HTTP ` +
        `file: ${clean ? 'all hold' : `FAILED (${failures.join('; ')})`}`,
    );
    for (const what of check.problems) console.log(`    ${what}`);

    context.targets.push({
      name: `export: ${count(seeded.billable)} rows, ordered, CSV parses, same as the index`,
      measured: clean ? 'yes' : 'NO',
      target: 'yes',
      ok: clean,
    });
    context.targets.push(
      ratioTarget('export: rows/s vs raw paged Query rows/s', share, 'atLeast', 0.6, true),
    );
    const rssTarget = {
      name: 'export: peak RSS − idle RSS of the exporting process',
      measured: `+${mb(alone)}`,
      target: `≤ ${mb(RSS_LIMIT_BYTES)}`,
      ok: rssOk,
    };
    context.targets.push(
      rssOk ? rssTarget : { ...rssTarget, note: `${mb(alone - RSS_LIMIT_BYTES)} over` },
    );
  } finally {
    await rss.stop();
  }
}
