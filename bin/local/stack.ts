import { randomBytes } from 'node:crypto';
import { PublishCommand } from '@aws-sdk/client-sns';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { backfillPortalKeys } from '../../functions/adapters/portal-backfill';
import { backfillAuthorKeys } from '../../functions/adapters/author-backfill';
import { DynamoQueueCounters } from '../../functions/adapters/queue-counters';
import { createDocumentClient } from '../../functions/adapters/dynamodb';
import { ValidationError } from '../../functions/domain/errors';
import { cachingVerifier, createBearerVerifier } from '../../functions/shared/bearer-token';
import { PROBLEM_CONTENT_TYPE, problemResponse } from '../../functions/shared/problem';
import { createApiGateway } from './api-gateway';
import { LOCAL_CREDENTIALS, startDynamoDb } from './dynamodb';
import { writeFileDurably } from './journal';
import { enableConcurrentInvocations, invoke } from './invocations';
import { createPageServer } from './page-server';
import { repairIndexes } from './repair';
import type { PollerThreadData } from './poller-thread';
import { startQueuePoller } from './queue-poller';
import { LOCAL_SES_KEEP, startSes } from './ses';
import { LOCAL_CLIENT_ID, loadLocalIssuer, parseGroups } from './signing-key';
import { startSmtp } from './smtp';
import { startSqs, type LocalQueue } from './sqs';

const MAIL_BUCKET = 'servicedesk-mail';
const EXPORT_BUCKET = 'servicedesk-exports';

export interface LocalStackOptions {
  /** Folder for all local state; deleting it starts afresh. @default `.local` in the checkout */
  dataDir?: string;
  /** HTTP API and pages. @default 3000; 0 picks a free port */
  port?: number;
  /** DynamoDB stand-in. @default 8000; 0 picks a free port */
  dynamoDbPort?: number;
  /** SQS stand-in. @default 9324; 0 picks a free port */
  sqsPort?: number;
  /** SES stand-in and its mail viewer. @default 8005; 0 picks a free port */
  sesPort?: number;
  /** Inbound mail by SMTP. @default 2525; 0 picks a free port */
  smtpPort?: number;
  /** @default `servicedesk` */
  tableName?: string;
  /** First retry delay of a failed queue message. @default 10 */
  queueBackoffSeconds?: number;
  /**
   * How often the SLA escalation job runs, as EventBridge Scheduler runs it in AWS; 0 never
   * (tests drive the job themselves, with a clock of their own). @default 60_000
   */
  escalationIntervalMs?: number;
  /**
   * How often the retention job runs (SPEC §13), as it runs daily in AWS; 0 never (tests
   * drive it with a clock of their own). @default 86_400_000 (a day)
   */
  retentionIntervalMs?: number;
  /**
   * How often the queue recount job runs (hourly on AWS, every minute by default here); 0
   * never (tests that drive it themselves).
   */
  recountIntervalMs?: number;
}

export interface LocalStack {
  apiUrl: string;
  dynamoDbEndpoint: string;
  sqsEndpoint: string;
  /** The SES stand-in: `/` shows the sent mail, `/store` lists it as JSON. */
  sesUrl: string;
  outbox: LocalQueue;
  intake: LocalQueue;
  /** Port of the inbound SMTP server. */
  smtpPort: number;
  mailBucket: string;
  /** Shared secret of the voicemail hook (`.local/voicemail-secret`). */
  voicemailSecret: string;
  tableName: string;
  /** Mailer batches handled at a time (`LOCAL_MAILER_CONCURRENCY`). */
  mailerConcurrency: number;
  /** Calls `listener` with the subject of every mail the SES stand-in takes from now on. */
  onMailSent(listener: (subject: string) => void): void;
  /** Signs a staff token as `GET /_local/token` does. */
  token(sub: string, groups: string[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * Mailer batches at a time locally (`LOCAL_MAILER_CONCURRENCY`): enough that the mailer keeps
 * up with intake on one shared event loop (docs/performance.md, acknowledgement lag).
 */
const LOCAL_MAILER_CONCURRENCY = 8;

/** How often the local stack sweeps for acknowledgements that never reached the outbox. */
const SWEEP_INTERVAL_MS = 2_000;

export const DEFAULT_DATA_DIR = join(import.meta.dirname, '..', '..', '.local');

/** A random secret kept in the data folder, so it stays the same across restarts. */
function localSecret(file: string): string {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * Starts the whole system on 127.0.0.1: the DynamoDB stand-in and the HTTP API that serves
 * the shared route table with the deployed handlers. The handlers find the stand-ins
 * through the same environment variables the CDK stack sets.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  // Node 20 is what these machines have; the SDK's advance notice about Node 22 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // Handlers run concurrently here (API requests, mailer batches, jobs): each invocation
  // gets its own Powertools state, as in a Lambda environment with several at a time.
  // First of all: the SDK's first request settles which store the process has.
  enableConcurrentInvocations();
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const tableName = options.tableName ?? 'servicedesk';
  const running = claimDataDir(dataDir);
  const dynamoDb = await startDynamoDb({
    port: options.dynamoDbPort ?? 8000,
    dataDir: join(dataDir, 'dynamodb'),
    tableName,
  });
  if (running.uncleanStop) {
    const report = await repairIndexes(dynamoDb.endpoint, tableName);
    console.log(
      `The last run on ${dataDir} did not stop cleanly: the table's indexes were checked against ` +
        `its ${report.items} items (${report.missingEntries} missing and ${report.staleEntries} ` +
        `stale index entries, ${report.correctedTickets} tickets corrected).`,
    );
  }

  const sqs = await startSqs({
    port: options.sqsPort ?? 9324,
    dataDir,
    queueNames: ['outbox', 'intake', 'mail-feedback'],
    topics: [
      { name: 'inbound-mail', queue: 'intake' },
      // The configuration set's event destination: SES's bounce and complaint events.
      { name: 'mail-feedback', queue: 'mail-feedback' },
    ],
    buckets: [MAIL_BUCKET, EXPORT_BUCKET],
  });
  const outbox = sqs.queues.outbox as LocalQueue;
  const intake = sqs.queues.intake as LocalQueue;
  const mailFeedback = sqs.queues['mail-feedback'] as LocalQueue;
  const feedbackTopic = sqs.topics['mail-feedback'] as string;
  const ses = await startSes({
    port: options.sesPort ?? 8005,
    dataDir,
    keep: localSesKeep(),
    // As SES publishes a configuration set's events: the event record as the SNS message.
    feedback: async (eventJson) => {
      await sqs.sns.send(new PublishCommand({ TopicArn: feedbackTopic, Message: eventJson }));
    },
  });

  // The port is taken first (its address goes into the settings below), but until every
  // part is up a request is answered 503 at once instead of left waiting.
  const server = createServer();
  const starting = (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(503, {
      'content-type': PROBLEM_CONTENT_TYPE,
      'cache-control': 'no-store',
      'retry-after': '1',
    });
    response.end(
      JSON.stringify({
        type: 'urn:servicedesk:problem:starting',
        title: 'Service unavailable',
        status: 503,
        detail: 'The service is starting; try again in a second.',
      }),
    );
  };
  server.on('request', starting);
  await listen(server, options.port ?? 3000);
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = await loadLocalIssuer(join(dataDir, 'jwt-signing-key.json'), `${apiUrl}/_local`);

  // The same variables the CDK stack sets, pointing at the stand-ins.
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: dynamoDb.endpoint,
    SQS_ENDPOINT: sqs.endpoint,
    OUTBOX_QUEUE_URL: outbox.url,
    QUEUE_URLS: JSON.stringify({
      [outbox.arn]: outbox.url,
      [intake.arn]: intake.url,
      [mailFeedback.arn]: mailFeedback.url,
    }),
    S3_ENDPOINT: sqs.endpoint,
    MAIL_BUCKET,
    EXPORT_BUCKET,
    QUEUE_BACKOFF_BASE_SECONDS: String(
      options.queueBackoffSeconds ?? process.env.QUEUE_BACKOFF_BASE_SECONDS ?? 10,
    ),
    SES_ENDPOINT: ses.endpoint,
    SUPPORT_ADDRESS: process.env.SUPPORT_ADDRESS ?? 'support@servicedesk.test',
    SUPPORT_NAME: process.env.SUPPORT_NAME ?? 'Servicedesk Support',
    SALES_PHONE: process.env.SALES_PHONE ?? '+49 30 1234567-0',
    PUBLIC_URL: process.env.PUBLIC_URL ?? apiUrl,
    AWS_REGION: process.env.AWS_REGION ?? 'eu-central-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    VOICEMAIL_SECRET:
      process.env.VOICEMAIL_SECRET ?? localSecret(join(dataDir, 'voicemail-secret')),
    ACCESS_TOKEN_SECRET:
      process.env.ACCESS_TOKEN_SECRET ?? localSecret(join(dataDir, 'access-token-secret')),
    JWKS_URL: `${apiUrl}/_local/jwks.json`,
    JWT_ISSUER: issuer.issuer,
    ACK_SWEEP_GRACE_SECONDS: process.env.ACK_SWEEP_GRACE_SECONDS ?? '2',
    JWT_CLIENT_ID: LOCAL_CLIENT_ID,
    // Powertools: one JSON line per record through the console, as before (the mail
    // corpus runner reads them; LOG_FORMAT=text prints readable lines instead), and no EMF
    // metric lines (nothing reads them here).
    LOG_FORMAT: process.env.LOG_FORMAT ?? 'json',
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    // The X-Ray SDK (under Powertools Tracer, which traces nothing outside Lambda) would
    // otherwise install an async hook at load that tracks the end of every promise: locally
    // about a tenth of the mailer thread's CPU under load, for no trace (issue 12). Set
    // before any handler module loads; the poller threads inherit it.
    AWS_XRAY_MANUAL_MODE: process.env.AWS_XRAY_MANUAL_MODE ?? 'true',
  });
  // The queue's bucket counters are derived afresh from the queue index at every start,
  // before anything can write: a process stopped between a ticket's write and its counter
  // update leaves them off by one, and a data folder from before the counters has none
  // (docs/data-model.md). While running, the recount job below repairs them instead.
  const startDb = createDocumentClient({ endpoint: dynamoDb.endpoint, region: 'local' });
  await new DynamoQueueCounters(startDb, tableName, { now: () => new Date() }).rebuild();
  // Tickets of a data folder from before the portal get their portal keys, once (a marker
  // item remembers it; on AWS the same migration is run by hand, docs/operations.md).
  await backfillPortalKeys(startDb, tableName);
  // Messages of a data folder from before the author index get its keys, once, the same way.
  await backfillAuthorKeys(startDb, tableName);

  // Lambda's SQS event source, played locally: the mailer consumes the outbox, the intake
  // the notifications of received mail.
  const mailerConcurrency = Number(
    process.env.LOCAL_MAILER_CONCURRENCY ?? LOCAL_MAILER_CONCURRENCY,
  );
  const pollers = [
    startPollerThread({
      queue: outbox,
      handlerModule: new URL('../../functions/jobs/mailer.ts', import.meta.url).href,
      concurrency: mailerConcurrency,
    }),
    startQueuePoller({
      sqs: sqs.client,
      queue: intake,
      consumer: async () => (await import('../../functions/jobs/intake')).handler,
    }),
    startQueuePoller({
      sqs: sqs.client,
      queue: mailFeedback,
      consumer: async () => (await import('../../functions/jobs/mail-feedback')).handler,
    }),
  ];
  // The scheduled escalation job, every minute as on AWS (tests turn it off and drive it).
  const escalation = startRepeating(options.escalationIntervalMs ?? 60_000, async () => {
    await (await import('../../functions/jobs/escalate-service-levels')).handler();
  });
  // The daily retention job (SPEC §13), once a day while the stack runs, as on AWS.
  const retention = startRepeating(options.retentionIntervalMs ?? 86_400_000, async () => {
    await (await import('../../functions/jobs/apply-retention')).handler();
  });
  // The scheduled queue recount, every minute instead of every hour.
  const recount = startRepeating(options.recountIntervalMs ?? 60_000, async () => {
    await (await import('../../functions/jobs/recount-queue')).handler();
  });
  // The scheduled acknowledgement sweeper, every few seconds instead of every minute.
  const sweeper = startRepeating(SWEEP_INTERVAL_MS, async () => {
    await (await import('../../functions/jobs/sweep-acknowledgements')).handler();
  });
  const smtp = await startSmtp({
    port: options.smtpPort ?? 2525,
    s3: sqs.s3,
    sns: sqs.sns,
    bucket: MAIL_BUCKET,
    topicArn: sqs.topics['inbound-mail'] as string,
  });

  const gateway = createApiGateway(
    cachingVerifier(createBearerVerifier(`${apiUrl}/_local/jwks.json`, issuer.issuer)),
  );
  const pages = await createPageServer({ dataDir });
  server.off('request', starting);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', apiUrl);
    if ((request.method === 'GET' || request.method === 'HEAD') && pages.serves(url.pathname)) {
      void pages.serve(request, response, url);
      return;
    }
    if (url.pathname.startsWith('/_local/')) {
      localOnly(url, issuer, response).catch((error: unknown) =>
        sendJson(response, problemResponse(error)),
      );
      return;
    }
    void gateway(request, response, url);
  });

  return {
    apiUrl,
    dynamoDbEndpoint: dynamoDb.endpoint,
    sqsEndpoint: sqs.endpoint,
    sesUrl: ses.endpoint,
    outbox,
    intake,
    smtpPort: smtp.port,
    mailBucket: MAIL_BUCKET,
    voicemailSecret: process.env.VOICEMAIL_SECRET as string,
    tableName,
    mailerConcurrency,
    onMailSent: (listener) => ses.onSent(listener),
    token: (sub, groups) => issuer.issue(sub, parseGroups(groups.join(',')).groups),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await smtp.close();
      await escalation.stop();
      await retention.stop();
      await recount.stop();
      await sweeper.stop();
      await Promise.all(pollers.map((poller) => poller.stop()));
      await sqs.close();
      await ses.close();
      await dynamoDb.close();
      running.release();
    },
  };
}

/** Routes of the local stack only, never deployed: tokens for scripts, and the JWKS. */
async function localOnly(
  url: URL,
  issuer: Awaited<ReturnType<typeof loadLocalIssuer>>,
  response: ServerResponse,
) {
  if (url.pathname === '/_local/jwks.json') {
    return sendJson(response, { statusCode: 200, body: JSON.stringify(issuer.jwks) });
  }
  if (url.pathname === '/_local/token') {
    const sub = url.searchParams.get('sub') ?? '';
    const { groups, unknown } = parseGroups(url.searchParams.get('groups') ?? '');
    if (!/^[A-Za-z0-9._@-]{1,64}$/.test(sub)) {
      throw new ValidationError('sub must be a user name (letters, digits, . _ @ -).', [
        { field: 'query.sub', message: 'required, at most 64 characters' },
      ]);
    }
    if (unknown.length > 0 || groups.length === 0) {
      throw new ValidationError('groups must list agents, finance, admins and/or sales.', [
        { field: 'query.groups', message: `unknown: ${unknown.join(', ') || '(none given)'}` },
      ]);
    }
    return sendJson(response, {
      statusCode: 200,
      body: JSON.stringify({ token: await issuer.issue(sub, groups), sub, groups }),
    });
  }
  return sendJson(
    response,
    problemResponse(new ValidationError(`No local route ${url.pathname}.`)),
  );
}

function sendJson(
  response: ServerResponse,
  result: { statusCode: number; body: string; headers?: Record<string, unknown> },
) {
  response.writeHead(result.statusCode, {
    'content-type': 'application/json; charset=utf-8',
    ...(result.headers as Record<string, string> | undefined),
  });
  response.end(result.body);
}

function listen(server: Server, port: number) {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

/**
 * Marks the data folder as in use (`running.pid`, removed at a clean stop). A marker left
 * by a process that is gone means the last run ended without closing its stores; a marker
 * of a live process means another `npm start` uses the folder, which would corrupt it.
 */
function claimDataDir(dataDir: string): { uncleanStop: boolean; release(): void } {
  const marker = join(dataDir, 'running.pid');
  let uncleanStop = false;
  if (existsSync(marker)) {
    const pid = Number(readFileSync(marker, 'utf8').trim());
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `${dataDir} is in use by process ${pid} (another npm start?); stop it or set LOCAL_DATA_DIR.`,
      );
    }
    uncleanStop = true;
  }
  writeFileDurably(marker, String(process.pid));
  return { uncleanStop, release: () => rmSync(marker, { force: true }) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `task` every `intervalMs` (never two at once), the way a schedule starts a job; a
 * failed run is logged and the next one comes. `intervalMs <= 0`: never.
 */
function startRepeating(intervalMs: number, task: () => Promise<unknown>) {
  if (intervalMs <= 0) return { stop: () => Promise.resolve() };
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const run = () => {
    current = invoke(task)
      .catch((error: unknown) => console.error('scheduled job:', (error as Error).message))
      .finally(() => {
        if (!stopped) timer = setTimeout(run, intervalMs);
      });
  };
  timer = setTimeout(run, intervalMs);
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}

/**
 * A queue consumer on a thread of its own (bin/local/poller-thread.ts, loaded through tsx
 * like this file), stopped the way the in-process pollers are.
 */
function startPollerThread(data: PollerThreadData): { stop(): Promise<void> } {
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./poller-thread.ts', import.meta.url).href;
  const bootstrap =
    `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); ` +
    `return import(${JSON.stringify(entry)}); });`;
  const thread = new Worker(bootstrap, {
    eval: true,
    workerData: data,
    stdout: true,
    stderr: true,
  });
  // The consumer's log lines go out through this thread's console, as the other handlers' do.
  createInterface({ input: thread.stdout }).on('line', (line) => console.log(line));
  createInterface({ input: thread.stderr }).on('line', (line) => console.error(line));
  thread.on('error', (error) => console.error(`queue poller ${data.queue.name}:`, error.message));
  const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
  return {
    stop: async () => {
      const stopped = new Promise<void>((resolve) =>
        thread.on('message', (message) => message === 'stopped' && resolve()),
      );
      thread.postMessage('stop');
      await Promise.race([stopped, exited]);
      await thread.terminate();
    },
  };
}

/** `LOCAL_SES_KEEP`: a whole number of at least 1, or the default. */
function localSesKeep(): number {
  const value = process.env.LOCAL_SES_KEEP;
  if (value === undefined || value === '') return LOCAL_SES_KEEP;
  const keep = Number(value);
  if (!Number.isSafeInteger(keep) || keep < 1) {
    throw new Error(`LOCAL_SES_KEEP must be a whole number of at least 1, not ${value}`);
  }
  return keep;
}
