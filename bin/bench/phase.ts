/**
 * One scenario of `npm run bench` in a process of its own (started by bin/bench.ts with
 * BENCH_PHASE): a fresh data folder and local stack, so that no scenario measures the
 * leftovers of another (dynalite's LevelDB keeps the index entries of claimed tickets as
 * tombstones until it compacts). The stack runs as with `npm start` (API, mailer and the
 * SQS/SES stand-ins on this main thread, dynalite on a thread of its own); the load comes
 * from a worker thread (run.ts). Answers its targets to the parent over IPC, then cleans up.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type LocalStack, startLocalStack } from '../local/stack';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS } from '../local/dynamodb';
import { countStoreCalls, detachMailer, PHASES, readConfig } from './config';
import { captureProductLog } from './product-log';
import { startStoreCallCounter } from './store-call-counter';
import type { WorkerInput, WorkerMessage } from './types';
import { FIRST_TICKET_NUMBER } from '../../functions/domain/ticket-number';
import { MAIL_TIME_SLOTS } from './acks';

const phase = PHASES.find((p) => p === process.env.BENCH_PHASE);
if (!phase) throw new Error(`BENCH_PHASE must be one of ${PHASES.join(', ')}`);
const config = { ...readConfig(), only: [phase] };

// Every client of the bench is this machine, writing from one mail domain: the limits
// against relaying acknowledgements (SPEC §14) would hold back nearly every mail, and they
// are not what is measured here. Set them explicitly to measure them.
for (const name of ['ACK_LIMIT_MAILBOX', 'ACK_LIMIT_DOMAIN', 'ACK_LIMIT_CLIENT']) {
  process.env[name] ??= '1000000';
}

const dataDir = await mkdtemp(join(tmpdir(), `servicedesk-bench-${phase}-`));
let stack: LocalStack | undefined;
let worker: Worker | undefined;
let counter: { url: string; close(): Promise<void> } | undefined;

async function cleanUp(): Promise<void> {
  await worker?.terminate();
  worker = undefined;
  await stack?.close().catch(() => undefined);
  stack = undefined;
  await counter?.close();
  counter = undefined;
  await rm(dataDir, { recursive: true, force: true });
}

// Stopped by the parent (time limit, Ctrl-C) or orphaned: clean up and go.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}
process.once('disconnect', () => void cleanUp().finally(() => process.exit(130)));

const answer = (message: WorkerMessage) =>
  new Promise<void>((resolve) =>
    process.send ? process.send(message, () => resolve()) : resolve(),
  );

let message: WorkerMessage;
try {
  // Every port picked free: the bench never takes the fixed ports of `npm start`.
  const local = await startLocalStack({
    dataDir,
    port: 0,
    dynamoDbPort: 0,
    sqsPort: 0,
    sesPort: 0,
    smtpPort: 0,
    // The queue recount reads the whole queue index; hourly on AWS, it is no hot path, and a
    // run every minute would land in the timed runs at random (the bench rebuilds the
    // counters itself after each seed).
    recountIntervalMs: 0,
  });
  stack = local;
  // Diagnostics. The handlers build their clients on first use, from these variables.
  const diagnostics: string[] = [];
  if (countStoreCalls()) {
    counter = await startStoreCallCounter(local.dynamoDbEndpoint);
    process.env.DYNAMODB_ENDPOINT = counter.url;
    diagnostics.push(
      "the product's DynamoDB calls pass through a counting proxy (one more hop each)",
    );
  }
  if (detachMailer()) {
    const sqs = new SQSClient({
      endpoint: local.sqsEndpoint,
      region: 'eu-central-1',
      credentials: LOCAL_CREDENTIALS,
    });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-sink' }));
    sqs.destroy();
    if (!QueueUrl) throw new Error('no sink queue');
    process.env.OUTBOX_QUEUE_URL = QueueUrl;
    diagnostics.push(
      'outbox events go to a queue nobody reads: POST /tickets still publishes, the mailer idles',
    );
  }
  const agents = await Promise.all(
    Array.from({ length: config.agents }, async (_, i) => {
      const sub = `agent-${String(i + 1).padStart(2, '0')}`;
      return { sub, token: await local.token(sub, ['agents']) };
    }),
  );
  // The stack's side of the acknowledgement lag: when each ticket's first mail went out.
  const mailTimes = new SharedArrayBuffer(MAIL_TIME_SLOTS * Float64Array.BYTES_PER_ELEMENT);
  const times = new Float64Array(mailTimes);
  local.onMailSent((subject) => {
    const number = Number(/\[T-(\d+)\]/.exec(subject)?.[1] ?? Number.NaN) - FIRST_TICKET_NUMBER;
    if (number >= 0 && number < MAIL_TIME_SLOTS && times[number] === 0) times[number] = Date.now();
  });
  const input: WorkerInput = {
    sesEndpoint: local.sesUrl,
    mailerConcurrency: local.mailerConcurrency,
    mailTimes,
    config,
    apiUrl: local.apiUrl,
    dynamoDbEndpoint: local.dynamoDbEndpoint,
    tableName: local.tableName,
    sqsEndpoint: local.sqsEndpoint,
    outbox: { url: local.outbox.url, deadLetterUrl: local.outbox.deadLetter.url },
    ...(counter ? { storeCounterUrl: counter.url } : {}),
    diagnostics,
    tokens: {
      reader: await local.token('bench', ['agents']),
      admin: await local.token('bench-admin', ['admins']),
      finance: await local.token('bench-finance', ['finance']),
      agents,
    },
  };
  const load = loadavg().map((l) => l.toFixed(2));
  console.log(
    `\n[${phase}] load average ${load.join(' ')} before start; fresh stack: API ${local.apiUrl}, dynalite ${local.dynamoDbEndpoint}, ` +
      `SQS ${local.sqsEndpoint}, SES ${local.sesUrl}, data ${dataDir}`,
  );
  const productLog = captureProductLog();
  message = await runWorker(input).finally(() => productLog.restore());
  console.log(`\n  ${productLog.summary().replace(/\n/g, '\n  ')}`);
} catch (error) {
  message = {
    type: 'error',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  };
} finally {
  await cleanUp();
}
await answer(message);
process.exit(0);

/** Runs run.ts in a worker thread, loaded through tsx like this file. */
function runWorker(input: WorkerInput): Promise<WorkerMessage> {
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./run.ts', import.meta.url).href;
  const bootstrap =
    `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); ` +
    `return import(${JSON.stringify(entry)}); });`;
  return new Promise((resolve, reject) => {
    let result: WorkerMessage | undefined;
    worker = new Worker(bootstrap, { eval: true, workerData: input });
    worker.on('message', (m: WorkerMessage) => (result = m));
    worker.on('error', reject);
    worker.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`the bench worker exited with ${code}`)),
    );
  });
}
