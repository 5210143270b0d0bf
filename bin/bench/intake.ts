import { performance } from 'node:perf_hooks';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SEVERITIES } from '../../functions/domain/ticket';
import { LOCAL_CREDENTIALS } from '../local/dynamodb';
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
import { type Item, timedNewPuts } from './store';
import { prng, runPool, summarize, type Summary } from './stats';

const CONTRACT_DOMAIN = 'acme-bench.example';
const OUTBOX_TIMEOUT_MS = 120_000;

interface Run {
  ops: number;
  ms: number;
  latency: Summary;
  /** HTTP runs: how long after the last answer the mailer had emptied the outbox. */
  drainMs?: number;
}

/**
 * Raw and HTTP runs alternate A B B A A B B A, so that drift and the noise of a shared
 * machine fall on both sides alike (BENCH_INTAKE_ORDER overrides, for diagnostics).
 */
function runOrder(): ('raw' | 'http')[] {
  const order = (process.env.BENCH_INTAKE_ORDER ?? 'raw,http,http,raw,raw,http,http,raw').split(
    ',',
  );
  return order.filter((side): side is 'raw' | 'http' => side === 'raw' || side === 'http');
}

/** Messages in a queue: waiting, in flight and delayed. */
async function backlog(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return Object.values(Attributes).reduce((sum, value) => sum + Number(value ?? 0), 0);
}

/**
 * Waits until the mailer (which runs on the same thread as the API) has sent every
 * acknowledgement, so that its backlog does not slow the next timed run.
 */
async function outboxDrained(sqs: SQSClient, queueUrl: string): Promise<number> {
  const started = performance.now();
  while ((await backlog(sqs, queueUrl)) > 0) {
    if (performance.now() - started > OUTBOX_TIMEOUT_MS) {
      fail(`the outbox still holds ${await backlog(sqs, queueUrl)} messages after 120 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return performance.now() - started;
}

/** What the web form sends; every fifth sender belongs to a contract customer. */
function forms(n: number, seed: number) {
  const random = prng(seed);
  return Array.from({ length: n }, (_, i) => ({
    name: `Bench Customer ${i}`,
    email: i % 5 === 0 ? `user${i}@${CONTRACT_DOMAIN}` : `user${i}@mail.example`,
    subject: `Bench ticket ${i}: export fails`,
    description: 'Since the last update the nightly export fails with a timeout. '.repeat(
      2 + Math.floor(random() * 8),
    ),
    severity: SEVERITIES[Math.floor(random() * SEVERITIES.length)] ?? 'normal',
  }));
}

async function httpIntake(
  context: BenchContext,
  sqs: SQSClient,
  n: number,
  concurrency: number,
  seed: number,
): Promise<Run> {
  const bodies = forms(n, seed);
  const latencies: number[] = [];
  const ids = new Set<string>();
  let contract = 0;
  const started = performance.now();
  await runPool(n, concurrency, async (index) => {
    const t0 = performance.now();
    const response = await context.http.send('POST', '/tickets', { json: bodies[index] });
    latencies.push(performance.now() - t0);
    if (response.status !== 201)
      fail(`POST /tickets answered ${response.status}: ${response.body}`);
    const ticket = JSON.parse(response.body) as { ticketId: string; group: string };
    ids.add(ticket.ticketId);
    if (ticket.group === 'contract') contract++;
  });
  const took = performance.now() - started;
  if (ids.size !== n) fail(`${n} submissions made ${ids.size} distinct tickets`);
  const expected = bodies.filter((b) => b.email.endsWith(CONTRACT_DOMAIN)).length;
  if (contract !== expected) fail(`${contract} contract tickets, expected ${expected}`);
  const drainMs = await outboxDrained(sqs, context.input.outbox.url);
  return { ops: n, ms: took, latency: summarize(latencies), drainMs };
}

/** The raw store operation behind a submission: PutItem of the ticket's item, if new. */
async function rawPuts(context: BenchContext, n: number, concurrency: number) {
  const items: Item[] = [];
  for (let i = 0; i < n; i++) items.push(await context.shape(context.newTicket()));
  return timedNewPuts(context.db, context.input.tableName, items, concurrency);
}

export async function benchIntake(context: BenchContext): Promise<void> {
  const { config, tokens } = context.input;
  const n = config.intakeRequests;
  const c = config.intakeConcurrency;
  section(`INTAKE: POST /tickets with ${c} concurrent clients vs raw PutItem with ${c} workers`);

  const customer = await context.http.send('PUT', '/customers/bench-acme', {
    token: tokens.admin,
    json: {
      name: 'ACME Bench GmbH',
      domains: [CONTRACT_DOMAIN],
      contacts: [],
      contract: {
        id: 'bench-contract',
        validFrom: '2000-01-01',
        includedMinutesPerMonth: 600,
        coveredServiceCodes: [],
      },
    },
  });
  if (customer.status !== 201 && customer.status !== 200) {
    fail(`PUT /customers answered ${customer.status}: ${customer.body}`);
  }

  const sqs = new SQSClient({
    endpoint: context.input.sqsEndpoint,
    region: 'eu-central-1',
    credentials: LOCAL_CREDENTIALS,
  });
  await httpIntake(context, sqs, Math.min(200, n), c, 1);
  await rawPuts(context, Math.min(200, n), c);

  const runs: { side: 'raw' | 'http'; run: Run }[] = [];
  let seed = 2;
  const order = runOrder();
  const block = Math.ceil(n / Math.max(1, order.filter((side) => side === 'http').length));
  for (const side of order) {
    await settle();
    const run =
      side === 'raw'
        ? await rawPuts(context, block, c)
        : await countingStoreCalls(
            context,
            'ticket',
            () => httpIntake(context, sqs, block, c, seed++),
            (r) => r.ops,
          );
    runs.push({ side, run });
  }
  const { rows, http, raw } = throughputRuns(runs, { raw: 'raw PutItem', http: 'POST /tickets' });
  rows.push([
    'POST /tickets (total)',
    count(http.ops),
    `${(http.ms / 1000).toFixed(2)} s`,
    rate(http.rate),
    '',
    '',
  ]);
  rows.push([
    'raw PutItem (total)',
    count(raw.ops),
    `${(raw.ms / 1000).toFixed(2)} s`,
    rate(raw.rate),
    '',
    '',
  ]);
  console.log(table(['', 'ops', 'time', 'rate', 'p50', 'p95'], rows));
  const share = http.rate / raw.rate;
  console.log(
    `\n  tickets/s vs PutItem/s: ${percent(share)} (target ≥ 30%) ${verdict(share >= 0.3)}; ` +
      'every submission 201, distinct ticket numbers, contract senders in group contract',
  );
  const mail = runs.filter((r) => r.side === 'http').map((r) => r.run);
  const drained = mail.reduce((sum, r) => sum + (r.drainMs ?? 0), 0);
  const deadLetters = await backlog(sqs, context.input.outbox.deadLetterUrl);
  sqs.destroy();
  console.log(
    `  acknowledgements: the in-process mailer emptied the outbox ${(drained / mail.length / 1000).toFixed(2)} s ` +
      `(mean) after the last 201 of a run; submitted-to-mailed rate ` +
      `${rate((http.ops / (http.ms + drained)) * 1000)}; dead-letter queue: ${deadLetters}`,
  );
  console.log(
    "  note: the local API does not apply the route table's throttle (10/s, burst 20 for " +
      'POST /tickets); API Gateway would.',
  );
  context.targets.push(
    ratioTarget(
      `intake: POST /tickets/s vs PutItem/s (${c} concurrent)`,
      share,
      'atLeast',
      0.3,
      true,
    ),
  );
}
