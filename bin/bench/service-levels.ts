import { performance } from 'node:perf_hooks';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  escalateServiceLevels,
  type EscalationDeps,
} from '../../functions/app/escalate-service-levels';
import type { StoredTicket } from '../../functions/app/ports';
import { DynamoServiceLevelPlans } from '../../functions/adapters/service-level-store';
import { SqsOutbox } from '../../functions/adapters/sqs-outbox';
import { DynamoTicketRepository } from '../../functions/adapters/ticket-repository';
import { keys, RECEIVED_INDEX } from '../../functions/adapters/table-design';
import { BusinessCalendar } from '../../functions/domain/service-levels/business-time';
import type { ServiceLevelPlan } from '../../functions/domain/service-levels/plan';
import { DEFAULT_PLANS } from '../../functions/domain/service-levels/plan';
import {
  changeStatus,
  recordFirstResponse,
  startClock,
} from '../../functions/domain/service-levels/sla-clock';
import { LOCAL_CREDENTIALS } from '../local/dynamodb';
import { type BenchContext, fail, settle } from './context';
import { count, ms, ratio, ratioTarget, section, table, verdict } from './report';
import { batchWrite, type Item } from './store';
import { summarize } from './stats';

const DAY = 86_400_000;
const office = DEFAULT_PLANS[0] as ServiceLevelPlan;
const officeCalendar = new BusinessCalendar(office);
const WHOLE_DAY: [string, string][] = [['00:00', '24:00']];
/** Open around the clock: a ticket received two days ago has every stage due. */
const always = new BusinessCalendar({
  timeZone: 'Europe/Berlin',
  region: 'none',
  businessHours: {
    mon: WHOLE_DAY,
    tue: WHOLE_DAY,
    wed: WHOLE_DAY,
    thu: WHOLE_DAY,
    fri: WHOLE_DAY,
    sat: WHOLE_DAY,
    sun: WHOLE_DAY,
  },
});

/**
 * Untimed runs before the timed ones at each size: the first size is measured on a fresh
 * process, whose first runs pay for JIT compilation and the SDK's first connections.
 */
const WARMUP_RUNS = 10;

/** The month the report phase fills (a past month, so nothing else lands in it). */
const REPORT_MONTH = '2026-06';

/** An open contract ticket whose next escalation is far ahead (received a moment ago). */
function notDue(ticket: StoredTicket, now: number): StoredTicket {
  const receivedAt = new Date(now - Math.floor(Math.random() * 60_000)).toISOString();
  return {
    ...ticket,
    group: 'contract',
    customer: ticket.customer ?? { id: 'cust-1', name: 'Customer 1' },
    receivedAt,
    updatedAt: receivedAt,
    // Low severity on office hours: the first warning is a business day or more away.
    severity: 'low',
    sla: startClock(
      officeCalendar,
      office.planId,
      { firstResponseMinutes: 3000, resolutionMinutes: 30000 },
      receivedAt,
    ),
  };
}

/** A contract ticket received two days ago on a 24/7 clock: all four stages are due. */
function due(ticket: StoredTicket, now: number): StoredTicket {
  const receivedAt = new Date(now - 2 * DAY).toISOString();
  return {
    ...ticket,
    group: 'contract',
    customer: ticket.customer ?? { id: 'cust-1', name: 'Customer 1' },
    receivedAt,
    updatedAt: receivedAt,
    sla: startClock(always, 'always', office.targets.critical, receivedAt),
  };
}

async function seed(context: BenchContext, tickets: StoredTicket[]): Promise<number> {
  const items = await Promise.all(tickets.map((t) => context.shape(t)));
  const started = performance.now();
  await batchWrite(
    context.db,
    context.input.tableName,
    items,
    context.input.config.seedConcurrency,
  );
  return performance.now() - started;
}

/**
 * The escalation job's cost with 1,000 and 100,000 open contract tickets of which a few are
 * due: before each timed run a few due tickets are written (untimed); the run finds them
 * through the due index, queues their mails and marks them. Also the run with nothing due,
 * next to the raw Query it amounts to.
 */
export async function benchServiceLevels(context: BenchContext): Promise<void> {
  const { config } = context.input;
  const depths = [config.slaOpenTickets[0] ?? 1_000, config.slaOpenTickets[1] ?? 100_000];
  const dueTickets = config.slaDueTickets;
  const runs = config.slaRuns;
  section(
    `SLA ESCALATION: one job run with ${count(depths[0] ?? 0)} vs ${count(depths[1] ?? 0)} open contract tickets, ${dueTickets} due`,
  );
  const sqs = new SQSClient({
    endpoint: context.input.sqsEndpoint,
    region: 'eu-central-1',
    credentials: LOCAL_CREDENTIALS,
  });
  // The job's mail events go to a queue nobody reads: the mailer's work is not the job's.
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-sla-sink' }));
  if (!QueueUrl) fail('no sink queue');
  const deps: EscalationDeps = {
    tickets: new DynamoTicketRepository(context.db, context.input.tableName),
    outbox: new SqsOutbox(sqs, QueueUrl),
    serviceLevels: new DynamoServiceLevelPlans(context.db, context.input.tableName),
    clock: { now: () => new Date() },
  };
  console.log(
    `  ${runs} timed runs per size after ${WARMUP_RUNS} warm-up runs; before each, ${dueTickets} due tickets ` +
      '(all four stages) are written untimed. The job runs in the load thread with the ' +
      "product's repository and outbox (a sink queue), as the scheduled Lambda function would.",
  );
  const rows: string[][] = [];
  const medians: number[] = [];
  const idleMedians: number[] = [];
  let seeded = 0;
  for (const depth of depths) {
    const now = Date.now();
    const added = depth - seeded;
    const seedMs = await seed(
      context,
      Array.from({ length: added }, () => notDue(context.newTicket(), now)),
    );
    seeded = depth;
    await settle();
    const times: number[] = [];
    const idle: number[] = [];
    let escalated = 0;
    for (let i = 0; i < runs + WARMUP_RUNS; i++) {
      await seed(
        context,
        Array.from({ length: dueTickets }, () => due(context.newTicket(), Date.now())),
      );
      const started = performance.now();
      const run = await escalateServiceLevels(deps);
      const elapsed = performance.now() - started;
      const stages = Object.values(run.escalated).reduce((a, b) => a + b, 0);
      if (stages !== 4 * dueTickets)
        fail(`a run escalated ${stages} stages, not ${4 * dueTickets}`);
      const idleStarted = performance.now();
      const again = await escalateServiceLevels(deps);
      const idleElapsed = performance.now() - idleStarted;
      if (again.looked !== 0) fail(`a run right after found ${again.looked} tickets due`);
      if (i >= WARMUP_RUNS) {
        times.push(elapsed);
        idle.push(idleElapsed);
        escalated += stages;
      }
    }
    const s = summarize(times);
    const z = summarize(idle);
    medians.push(s.median);
    idleMedians.push(z.median);
    rows.push([
      count(depth),
      ms(seedMs),
      ms(s.median),
      ms(s.p95),
      ms(z.median),
      ms(z.p95),
      count(escalated),
    ]);
  }
  console.log(
    table(
      [
        'open tickets',
        'seeding',
        `run, ${dueTickets} due p50`,
        'p95',
        'run, none due p50',
        'p95',
        'stages mailed',
      ],
      rows,
    ),
  );
  const growth = (medians[1] ?? NaN) / (medians[0] ?? NaN);
  const idleGrowth = (idleMedians[1] ?? NaN) / (idleMedians[0] ?? NaN);
  console.log(
    `\n  run p50 at ${count(depths[1] ?? 0)} / at ${count(depths[0] ?? 0)}: ${ratio(growth)} (target ≤ 1.30×) ${verdict(growth <= 1.3)}; ` +
      `nothing due: ${ratio(idleGrowth)}`,
  );
  context.targets.push(
    ratioTarget(
      `SLA escalation run (${dueTickets} due): p50 at ${count(depths[1] ?? 0)} / at ${count(depths[0] ?? 0)} open`,
      growth,
      'atMost',
      1.3,
    ),
  );
  sqs.destroy();
  await benchReport(context);
}

/** A month of tickets as the report reads them: contract ones answered and resolved, standard ones taken. */
function monthTicket(ticket: StoredTicket, index: number): StoredTicket {
  const receivedAt = new Date(
    Date.parse(`${REPORT_MONTH}-01T06:00:00Z`) +
      (index % (29 * 24)) * 3_600_000 +
      (index % 3600) * 1000,
  ).toISOString();
  const base: StoredTicket = { ...ticket, receivedAt, updatedAt: receivedAt, status: 'closed' };
  delete base.sla;
  const firstAttendedAt = new Date(
    Date.parse(receivedAt) + (5 + (index % 120)) * 60_000,
  ).toISOString();
  if (ticket.group !== 'contract') return { ...base, firstAttendedAt };
  const answered = new Date(Date.parse(receivedAt) + (10 + (index % 300)) * 60_000).toISOString();
  const resolved = new Date(Date.parse(receivedAt) + (60 + (index % 3000)) * 60_000).toISOString();
  let sla = startClock(
    officeCalendar,
    office.planId,
    office.targets[ticket.severity],
    receivedAt,
    'open',
  );
  sla = recordFirstResponse(sla, answered);
  sla = changeStatus(officeCalendar, sla, 'in_progress', 'resolved', resolved);
  return {
    ...base,
    firstAttendedAt,
    sla,
    customer: ticket.customer ?? { id: 'cust-1', name: 'Customer 1' },
  };
}

/**
 * `GET /reports/service-levels` for a month of N tickets against the raw paged Query of the
 * same month on the received index: the report must keep at least half the raw throughput.
 */
async function benchReport(context: BenchContext): Promise<void> {
  const { config } = context.input;
  const n = config.slaReportTickets;
  section(
    `SLA REPORT: GET /reports/service-levels?month=${REPORT_MONTH} over ${count(n)} tickets vs the raw paged Query`,
  );
  const tickets = Array.from({ length: n }, (_, i) => monthTicket(context.newTicket(), i));
  const seedMs = await seed(context, tickets);
  await settle();
  const rawMonth = async () => {
    let items = 0;
    let startKey: Item | undefined;
    do {
      const page = await context.db.send(
        new QueryCommand({
          TableName: context.input.tableName,
          IndexName: RECEIVED_INDEX.indexName,
          KeyConditionExpression: '#pk = :month',
          ExpressionAttributeNames: { '#pk': RECEIVED_INDEX.partitionKey },
          ExpressionAttributeValues: { ':month': keys.receivedMonth(REPORT_MONTH) },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      items += page.Items?.length ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  };
  const report = async () => {
    const response = await context.http.send(
      'GET',
      `/reports/service-levels?month=${REPORT_MONTH}`,
      {
        token: context.input.tokens.admin,
      },
    );
    if (response.status !== 200)
      fail(`the report answered ${response.status}: ${response.body.slice(0, 200)}`);
    return JSON.parse(response.body) as {
      rows: { tickets: number }[];
      waitingTime: { standard: { tickets: number } };
    };
  };
  const first = await report();
  const counted =
    first.rows.reduce((sum, row) => sum + row.tickets, 0) + first.waitingTime.standard.tickets;
  if (counted !== n) fail(`the report counted ${counted} tickets, not ${n}`);
  if ((await rawMonth()) !== n) fail('the raw Query does not return the month');
  const times = { report: [] as number[], raw: [] as number[] };
  for (let i = 0; i < config.slaReportRuns; i++) {
    const order: ['report' | 'raw', () => Promise<unknown>][] = [
      ['report', report],
      ['raw', rawMonth],
    ];
    if (i % 2) order.reverse();
    for (const [name, work] of order) {
      const started = performance.now();
      await work();
      times[name].push(performance.now() - started);
    }
  }
  const r = summarize(times.report);
  const q = summarize(times.raw);
  const share = q.median / r.median;
  console.log(
    `  seeded ${count(n)} tickets of ${REPORT_MONTH} in ${ms(seedMs)}; ${config.slaReportRuns} runs per side, interleaved`,
  );
  console.log(
    table(
      ['side', 'p50', 'p95', 'tickets/s (p50)'],
      [
        [
          'GET /reports/service-levels (JSON)',
          ms(r.median),
          ms(r.p95),
          count(Math.round((n / r.median) * 1000)),
        ],
        [
          'raw paged Query, index "received"',
          ms(q.median),
          ms(q.p95),
          count(Math.round((n / q.median) * 1000)),
        ],
      ],
    ),
  );
  console.log(
    `\n  report throughput / raw Query throughput: ${(share * 100).toFixed(0)}% (target ≥ 50%) ${verdict(share >= 0.5)}`,
  );
  context.targets.push(
    ratioTarget(
      `SLA report over ${count(n)} tickets: throughput vs raw paged Query`,
      share,
      'atLeast',
      0.5,
      true,
    ),
  );
}
