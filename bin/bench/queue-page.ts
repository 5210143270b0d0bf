import { performance } from 'node:perf_hooks';
import { compareQueuePositions, type QueuePosition } from '../../functions/domain/queue-key';
import { type BenchContext, countingStoreCalls, fail, seedWaiting, settle } from './context';
import { count, ms, rate, ratio, ratioTarget, section, table, verdict } from './report';
import { queryQueue, type Item } from './store';
import { benchPosition, type PositionFigures, positionTargets } from './position';
import type { StoredTicket } from '../../functions/app/ports';
import { summarize } from './stats';

const PAGE = 50;
/** Page size of the cursor walks (the API's maximum). */
const WALK_PAGE = 100;

interface QueueItem extends QueuePosition {
  subject: string;
}

interface HttpPage {
  items: QueueItem[];
  nextCursor: string | null;
}

async function httpPage(context: BenchContext, limit: number, cursor?: string) {
  const query = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  const response = await context.http.send('GET', `/queue?${query}`, {
    token: context.input.tokens.reader,
  });
  if (response.status !== 200) fail(`GET /queue answered ${response.status}: ${response.body}`);
  return JSON.parse(response.body) as HttpPage;
}

async function rawPage(context: BenchContext, limit: number, startKey?: Item) {
  const page = await queryQueue(context.db, context.input.tableName, limit, startKey);
  return { items: (page.Items ?? []) as unknown as QueueItem[], lastKey: page.LastEvaluatedKey };
}

/**
 * Times `http` and `raw` alternately (and in alternating order), so that drift, garbage
 * collection and the growing table hit both sides alike.
 */
async function interleaved(
  warmup: number,
  samples: number,
  http: () => Promise<unknown>,
  raw: () => Promise<unknown>,
) {
  for (let i = 0; i < warmup; i++) {
    await http();
    await raw();
  }
  const times = { http: [] as number[], raw: [] as number[] };
  const time = async (work: () => Promise<unknown>, into: number[]) => {
    const started = performance.now();
    await work();
    into.push(performance.now() - started);
  };
  for (let i = 0; i < samples; i++) {
    if (i % 2 === 0) {
      await time(http, times.http);
      await time(raw, times.raw);
    } else {
      await time(raw, times.raw);
      await time(http, times.http);
    }
  }
  return { http: summarize(times.http), raw: summarize(times.raw) };
}

export async function benchQueuePage(context: BenchContext): Promise<void> {
  const { config } = context.input;
  section(`QUEUE PAGE: GET /queue?limit=${PAGE} vs raw Query on index "queue" (Limit ${PAGE})`);
  console.log(
    `  ${config.samples} timed requests per side and depth after ${config.warmup} warm-up, ` +
      'HTTP and raw interleaved; raw = DynamoDBDocumentClient QueryCommand on the same table.',
  );

  const rows: string[][] = [];
  const seedRows: string[][] = [];
  const httpMedian = new Map<number, number>();
  const rawMedian = new Map<number, number>();
  let seeded = 0;
  const waiting: StoredTicket[] = [];
  const positions: PositionFigures[] = [];
  for (const depth of config.depths) {
    const added = depth - seeded;
    const seed = await seedWaiting(context, added);
    waiting.push(...seed.tickets);
    seeded = depth;
    seedRows.push([count(depth), count(added), ms(seed.ms), rate((added / seed.ms) * 1000)]);
    await settle();

    // The API's page is the store's page: same tickets, same order.
    const [viaHttp, viaStore] = [await httpPage(context, PAGE), await rawPage(context, PAGE)];
    const a = viaHttp.items.map((item) => item.ticketId).join();
    const b = viaStore.items.map((item) => item.ticketId).join();
    if (viaHttp.items.length !== PAGE || a !== b) fail(`at ${depth} the API page differs`);

    const result = await countingStoreCalls(
      context,
      `queue page at ${count(depth)}`,
      () =>
        interleaved(
          config.warmup,
          config.samples,
          () => httpPage(context, PAGE),
          () => rawPage(context, PAGE),
        ),
      () => config.warmup + config.samples,
    );
    httpMedian.set(depth, result.http.median);
    rawMedian.set(depth, result.raw.median);
    const r = result.http.median / result.raw.median;
    rows.push([
      count(depth),
      ms(result.http.median),
      ms(result.http.p95),
      ms(result.raw.median),
      ms(result.raw.p95),
      ratio(r),
      ratio(result.http.p95 / result.raw.p95),
      verdict(r <= 1.5),
    ]);
    context.targets.push(
      ratioTarget(`queue page at ${count(depth)}: HTTP p50 / raw Query p50`, r, 'atMost', 1.5),
    );
    positions.push(await benchPosition(context, depth, waiting));
  }
  positionTargets(context, positions);

  console.log(
    '\n  Seeding (BatchWriteItem, 25 items per call, ' +
      `${config.seedConcurrency} calls in flight, items as DynamoTicketRepository writes them):`,
  );
  console.log(table(['depth', 'added', 'time', 'items/s'], seedRows));
  console.log();
  console.log(
    table(
      ['waiting', 'HTTP p50', 'HTTP p95', 'raw p50', 'raw p95', 'p50 ratio', 'p95 ratio', '≤ 1.5×'],
      rows,
    ),
  );

  const floor: number[] = [];
  for (let i = 0; i < config.warmup + config.samples; i++) {
    const started = performance.now();
    const response = await context.http.send('GET', '/health');
    if (i >= config.warmup) floor.push(performance.now() - started);
    if (response.status !== 200) fail(`GET /health answered ${response.status}`);
  }
  const health = summarize(floor);
  console.log(
    `  for scale: GET /health (same server and gateway, no token, no store call) ` +
      `p50 ${ms(health.median)}, p95 ${ms(health.p95)}`,
  );

  const first = config.depths[0];
  const last = config.depths[config.depths.length - 1];
  if (first !== undefined && last !== undefined && first !== last) {
    const growth = (httpMedian.get(last) ?? NaN) / (httpMedian.get(first) ?? NaN);
    const rawGrowth = (rawMedian.get(last) ?? NaN) / (rawMedian.get(first) ?? NaN);
    console.log(
      `\n  HTTP p50 at ${count(last)} / at ${count(first)}: ${ratio(growth)} ` +
        `(target ≤ 1.30×) ${verdict(growth <= 1.3)}; raw Query p50 likewise: ${ratio(rawGrowth)}`,
    );
    context.targets.push(
      ratioTarget(
        `queue page: HTTP p50 at ${count(last)} / at ${count(first)}`,
        growth,
        'atMost',
        1.3,
      ),
    );
  }

  await benchPaging(context, seeded);
}

/**
 * Reads the whole queue with cursors through the API and through the store, checks both
 * return every waiting ticket once in queue order, and times pages at chosen depths.
 */
async function benchPaging(context: BenchContext, depth: number): Promise<void> {
  const { config } = context.input;
  section(`PAGING: the whole queue of ${count(depth)} read with cursors`);
  const wanted = new Set(config.pagingDepths.filter((d) => d > 0 && d < depth));

  const rawWalk = { ids: [] as string[], times: [] as number[], keys: new Map<number, Item>() };
  let previous: QueueItem | undefined;
  let startKey: Item | undefined;
  const rawStarted = performance.now();
  do {
    const started = performance.now();
    const page = await rawPage(context, WALK_PAGE, startKey);
    rawWalk.times.push(performance.now() - started);
    for (const item of page.items) {
      if (previous && compareQueuePositions(previous, item) >= 0) {
        fail(`queue order broken between ${previous.ticketId} and ${item.ticketId}`);
      }
      previous = item;
      rawWalk.ids.push(item.ticketId);
    }
    startKey = page.lastKey;
    if (startKey && wanted.has(rawWalk.ids.length)) rawWalk.keys.set(rawWalk.ids.length, startKey);
  } while (startKey);
  const rawWalkMs = performance.now() - rawStarted;

  const httpWalk = {
    ids: [] as string[],
    times: [] as number[],
    cursors: new Map<number, string>(),
  };
  let cursor: string | undefined;
  const httpStarted = performance.now();
  do {
    const started = performance.now();
    const page = await httpPage(context, WALK_PAGE, cursor);
    httpWalk.times.push(performance.now() - started);
    for (const item of page.items) httpWalk.ids.push(item.ticketId);
    cursor = page.nextCursor ?? undefined;
    if (cursor && wanted.has(httpWalk.ids.length)) {
      httpWalk.cursors.set(httpWalk.ids.length, cursor);
    }
  } while (cursor);
  const httpWalkMs = performance.now() - httpStarted;

  if (rawWalk.ids.length !== depth) fail(`the index holds ${rawWalk.ids.length}, not ${depth}`);
  if (new Set(rawWalk.ids).size !== depth) fail('the index lists a ticket twice');
  if (httpWalk.ids.join() !== rawWalk.ids.join()) fail('the API walk differs from the store walk');
  console.log(
    `  Both walks returned all ${count(depth)} waiting tickets once each, in queue order ` +
      `(checked with compareQueuePositions), and the same sequence.`,
  );
  console.log(
    `  Walk with limit=${WALK_PAGE}: HTTP ${count(httpWalk.times.length)} pages in ` +
      `${(httpWalkMs / 1000).toFixed(1)} s, raw ${count(rawWalk.times.length)} pages in ` +
      `${(rawWalkMs / 1000).toFixed(1)} s. Median page time by position in the queue:`,
  );
  const buckets = [0, 0.1, 0.5, 0.9, 1].map((f) => Math.round((depth * f) / WALK_PAGE));
  const bucketRows: string[][] = [];
  for (let b = 0; b + 1 < buckets.length; b++) {
    const from = buckets[b] ?? 0;
    const to = buckets[b + 1] ?? 0;
    if (to <= from) continue;
    const h = summarize(httpWalk.times.slice(from, to));
    const r = summarize(rawWalk.times.slice(from, to));
    bucketRows.push([
      `${count(from * WALK_PAGE)}–${count(to * WALK_PAGE)}`,
      ms(h.median),
      ms(r.median),
      ratio(h.median / r.median),
    ]);
  }
  console.log(table(['positions', 'HTTP p50', 'raw p50', 'ratio'], bucketRows));

  const rows: string[][] = [];
  for (const at of [0, ...[...wanted].sort((a, b) => a - b)]) {
    const pageCursor = at === 0 ? undefined : httpWalk.cursors.get(at);
    const pageKey = at === 0 ? undefined : rawWalk.keys.get(at);
    if (at > 0 && (!pageCursor || !pageKey)) continue;
    const result = await interleaved(
      Math.min(config.warmup, 5),
      config.pagingSamples,
      () => httpPage(context, PAGE, pageCursor),
      () => rawPage(context, PAGE, pageKey),
    );
    rows.push([
      count(at),
      ms(result.http.median),
      ms(result.http.p95),
      ms(result.raw.median),
      ms(result.raw.p95),
      ratio(result.http.median / result.raw.median),
    ]);
  }
  console.log(
    `\n  limit=${PAGE} pages starting at a position (cursor), ${config.pagingSamples} each:`,
  );
  console.log(table(['position', 'HTTP p50', 'HTTP p95', 'raw p50', 'raw p95', 'p50 ratio'], rows));
}
