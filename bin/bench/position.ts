import { performance } from 'node:perf_hooks';
import { queueInfoOf, type QueueInfo } from '../../functions/app/queue-standing';
import type { StoredTicket } from '../../functions/app/ports';
import { type BenchContext, fail, queueCounters } from './context';
import { count, ms, ratio, ratioTarget, section, table, verdict } from './report';
import { queryQueue, type Item } from './store';
import { prng, summarize } from './stats';

/** Size of the raw top page a position read is compared with (as the queue page run). */
const PAGE = 50;
/** Positions read (and checked) per depth, spread over the whole queue. */
const SAMPLES = 200;

interface Walked {
  /** Ticket id → [position, contract tickets ahead, standard tickets ahead]. */
  standing: Map<string, [number, number, number]>;
}

/** The whole queue, read page by page: the oracle for every position. */
async function walkQueue(context: BenchContext): Promise<Walked> {
  const standing = new Map<string, [number, number, number]>();
  let contract = 0;
  let standard = 0;
  let startKey: Item | undefined;
  do {
    const page = await queryQueue(context.db, context.input.tableName, 1000, startKey);
    for (const item of page.Items ?? []) {
      standing.set(String(item.ticketId), [contract + standard + 1, contract, standard]);
      if (item.group === 'contract') contract++;
      else standard++;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { standing };
}

export interface PositionFigures {
  depth: number;
  read: number;
  raw: number;
  http: number;
}

/**
 * Position reads at the current depth: the product's read (queueInfoOf: the day buckets,
 * the COUNT of the own hour and the claim tally, at once) of tickets picked at random over
 * the whole queue, interleaved with the raw top-page Query; each answer checked against a
 * full walk of the queue in the same run. Also, for scale, the whole `GET /tickets/{id}`.
 */
export async function benchPosition(
  context: BenchContext,
  depth: number,
  waiting: StoredTicket[],
): Promise<PositionFigures> {
  const { config } = context.input;
  const deps = { queueCounters: queueCounters(context), clock: { now: () => new Date() } };
  const walked = await walkQueue(context);
  if (walked.standing.size !== depth) fail(`the queue holds ${walked.standing.size}, not ${depth}`);
  const random = prng(depth);
  const pick = () => waiting[Math.floor(random() * waiting.length)] ?? fail('nothing waits');

  let wrong = 0;
  const check = (ticket: StoredTicket, info: QueueInfo | undefined) => {
    const expected = walked.standing.get(ticket.ticketId);
    if (
      !info ||
      !expected ||
      info.position !== expected[0] ||
      info.aheadContract !== expected[1] ||
      info.aheadStandard !== expected[2]
    ) {
      wrong++;
      if (wrong <= 3) {
        console.log(`  WRONG ${ticket.ticketId}: ${JSON.stringify(info)} vs ${String(expected)}`);
      }
    }
  };
  const times = { read: [] as number[], raw: [] as number[], http: [] as number[] };
  const time = async (work: () => Promise<unknown>, into?: number[]) => {
    const started = performance.now();
    await work();
    into?.push(performance.now() - started);
  };
  for (let i = 0; i < config.warmup + SAMPLES; i++) {
    const timed = i >= config.warmup;
    const ticket = pick();
    const read = async () => check(ticket, await queueInfoOf(deps, ticket));
    const raw = () => queryQueue(context.db, context.input.tableName, PAGE);
    if (i % 2 === 0) {
      await time(read, timed ? times.read : undefined);
      await time(raw, timed ? times.raw : undefined);
    } else {
      await time(raw, timed ? times.raw : undefined);
      await time(read, timed ? times.read : undefined);
    }
    await time(
      async () => {
        const response = await context.http.send('GET', `/tickets/${ticket.ticketId}`, {
          token: context.input.tokens.reader,
        });
        if (response.status !== 200) fail(`GET /tickets answered ${response.status}`);
        const view = JSON.parse(response.body) as { queue?: QueueInfo };
        check(ticket, view.queue);
      },
      timed ? times.http : undefined,
    );
  }
  if (wrong > 0) fail(`${wrong} position(s) at depth ${depth} differ from the walk of the queue`);
  const read = summarize(times.read);
  const raw = summarize(times.raw);
  const http = summarize(times.http);
  console.log(
    `  depth ${count(depth)}: ${SAMPLES * 2} positions (app and HTTP) checked against a walk ` +
      `of the whole queue: all exact. Position read p50 ${ms(read.median)} (p95 ` +
      `${ms(read.p95)}), raw Query Limit ${PAGE} p50 ${ms(raw.median)} (p95 ${ms(raw.p95)}), ` +
      `GET /tickets/{id} with the position p50 ${ms(http.median)}`,
  );
  return { depth, read: read.median, raw: raw.median, http: http.median };
}

/** The targets of SPEC §10 from the figures of every depth. */
export function positionTargets(context: BenchContext, figures: PositionFigures[]): void {
  section(`QUEUE POSITION: one position read vs one raw top-page Query (Limit ${PAGE})`);
  console.log(
    table(
      ['waiting', 'read p50', 'raw p50', 'ratio', '≤ 3×', 'GET /tickets/{id} p50'],
      figures.map((f) => [
        count(f.depth),
        ms(f.read),
        ms(f.raw),
        ratio(f.read / f.raw),
        verdict(f.read / f.raw <= 3),
        ms(f.http),
      ]),
    ),
  );
  for (const f of figures) {
    context.targets.push(
      ratioTarget(
        `position read at ${count(f.depth)} / raw top-page Query`,
        f.read / f.raw,
        'atMost',
        3,
      ),
    );
  }
  const first = figures[0];
  const last = figures[figures.length - 1];
  if (first && last && first !== last) {
    const growth = last.read / first.read;
    console.log(
      `\n  position read p50 at ${count(last.depth)} / at ${count(first.depth)}: ` +
        `${ratio(growth)} (target ≤ 1.30×) ${verdict(growth <= 1.3)}`,
    );
    context.targets.push(
      ratioTarget(
        `position read p50 at ${count(last.depth)} / at ${count(first.depth)}`,
        growth,
        'atMost',
        1.3,
      ),
    );
  }
}
