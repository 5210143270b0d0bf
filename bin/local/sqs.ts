import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { LOCAL_CREDENTIALS } from './dynamodb';
import { Journal, writeFileDurably } from './journal';

/** A queue of the local stack and its dead-letter queue. */
export interface LocalQueue {
  name: string;
  url: string;
  arn: string;
  deadLetter: { name: string; url: string; arn: string };
}

export interface LocalSqs {
  /** One endpoint for SQS, SNS and S3. */
  endpoint: string;
  queues: Record<string, LocalQueue>;
  /** Topic name → ARN. */
  topics: Record<string, string>;
  client: SQSClient;
  sns: SNSClient;
  s3: S3Client;
  /** Messages waiting or in flight per queue (ready, delayed, in flight), read in memory. */
  depth(queueName: string): number;
  close(): Promise<void>;
}

/** Receives before a message moves to the dead-letter queue (as in the CDK stack). */
export const MAX_RECEIVE_COUNT = 5;
const REGION = 'eu-central-1';
const JOURNAL_FILE = 'sqs-journal.ndjson';

/** What the stand-in journals of a queue: a message put in, or one taken out. */
type QueueRecord =
  | { q: string; id: string; op: '+'; body: string; attrs?: Record<string, unknown> }
  | { q: string; id: string; op: '-' };

/** The parts of fauxqs's stores the stand-in drives directly (fauxqs 1.9, pinned). */
interface FauxqsMessage {
  messageId: string;
  body: string;
  messageAttributes: Record<string, unknown>;
}
interface FauxqsQueue {
  enqueue(message: FauxqsMessage): void;
}
interface SqsStoreClass {
  new (): SqsStore;
  createMessage(body: string, messageAttributes?: Record<string, unknown>): FauxqsMessage;
}
interface SqsStore {
  host?: string;
  region?: string;
  spy?: SpyLike;
  createQueue(name: string, url: string, arn: string, attributes?: Record<string, string>): void;
  buildQueueUrl(name: string, port: string, requestHost: string, region: string): string;
  getQueueByName(name: string): FauxqsQueue | undefined;
  inspectQueue(
    name: string,
  ): { messages: { ready: unknown[]; delayed: unknown[]; inflight: unknown[] } } | undefined;
  shutdown(): void;
}
interface SnsStore {
  region?: string;
  createTopic(name: string, attributes: undefined, tags: undefined, region: string): unknown;
  subscribe(topicArn: string, protocol: string, endpoint: string): unknown;
}
interface S3Store {
  spy?: SpyLike;
  createBucket(name: string): void;
  putObject(
    bucket: string,
    key: string,
    body: Buffer,
    contentType?: string,
    metadata?: Record<string, string>,
  ): unknown;
  getObject(
    bucket: string,
    key: string,
  ): { body: Buffer; contentType: string; metadata: Record<string, string> };
}
type SpyEvent =
  | {
      service: 'sqs';
      queueName: string;
      messageId: string;
      body: string;
      messageAttributes: Record<string, unknown>;
      status: 'published' | 'consumed' | 'dlq';
    }
  | { service: 's3'; bucket: string; key: string; status: string }
  | { service: 'sns' };
interface SpyLike {
  addMessage(event: SpyEvent): void;
}

/** fauxqs's store classes: the package exports only its entry, so they are loaded by path. */
async function fauxqsStores() {
  const dist = dirname(new URL(import.meta.resolve('fauxqs')).pathname);
  const load = async <T>(file: string, name: string) =>
    ((await import(pathToFileURL(join(dist, file)).href)) as Record<string, new () => T>)[
      name
    ] as new () => T;
  return {
    SqsStore: (await load<SqsStore>('sqs/sqsStore.js', 'SqsStore')) as SqsStoreClass,
    SnsStore: await load<SnsStore>('sns/snsStore.js', 'SnsStore'),
    S3Store: await load<S3Store>('s3/s3Store.js', 'S3Store'),
  };
}

/**
 * The SQS, SNS and S3 stand-in: fauxqs (SQS's JSON protocol, visibility timeouts, long
 * polling, redrive to a dead-letter queue; SNS topics delivering to queues; S3 buckets).
 * fauxqs keeps everything in memory; the stand-in writes every change through to the data
 * folder before fauxqs answers, so a crash (`kill -9`) loses no message and no object:
 * queue changes go to a journal (`sqs-journal.ndjson`, compacted at each start), objects
 * to files under `s3/` (their content type under `s3-meta/`).
 */
export async function startSqs(options: {
  port: number;
  dataDir: string;
  queueNames: string[];
  /** SNS topics, each delivering to one of the queues (SNS envelope, as in AWS). */
  topics?: { name: string; queue: string }[];
  buckets?: string[];
  visibilityTimeoutSeconds?: number;
}): Promise<LocalSqs> {
  const { SqsStore, SnsStore, S3Store } = await fauxqsStores();
  const sqsStore = new SqsStore();
  const snsStore = new SnsStore();
  const s3Store = new S3Store();
  const app = buildApp({
    logger: false,
    host: '127.0.0.1',
    defaultRegion: REGION,
    stores: { sqsStore, snsStore, s3Store } as unknown as NonNullable<
      Parameters<typeof buildApp>[0]
    >['stores'],
  });
  const address = new URL(await app.listen({ port: options.port, host: '127.0.0.1' }));
  const port = address.port;
  const endpoint = `http://127.0.0.1:${port}`;
  const arnOf = (service: string, name: string) =>
    `arn:aws:${service}:${REGION}:000000000000:${name}`;
  const createQueue = (name: string, attributes?: Record<string, string>) => {
    const url = sqsStore.buildQueueUrl(name, port, `127.0.0.1:${port}`, REGION);
    sqsStore.createQueue(name, url, arnOf('sqs', name), attributes);
    return { name, url, arn: arnOf('sqs', name) };
  };

  // Every change is written through before fauxqs answers the request that made it. The
  // stores hand the writer to each queue as it is created, so it is in place first; what
  // the restore below puts back is on disk already.
  const objectsDir = join(options.dataDir, 's3');
  const metaDir = join(options.dataDir, 's3-meta');
  let restoring = true;
  const journal = new Journal<QueueRecord>(join(options.dataDir, JOURNAL_FILE));
  const writeThrough: SpyLike = {
    addMessage(event) {
      if (restoring) return;
      if (event.service === 'sqs') {
        if (event.status === 'published') {
          journal.append({
            q: event.queueName,
            id: event.messageId,
            op: '+',
            body: event.body,
            ...(Object.keys(event.messageAttributes).length > 0
              ? { attrs: event.messageAttributes }
              : {}),
          });
        } else journal.append({ q: event.queueName, id: event.messageId, op: '-' });
      } else if (event.service === 's3') {
        const file = objectFile(objectsDir, event.bucket, event.key);
        const meta = `${objectFile(metaDir, event.bucket, event.key)}.json`;
        if (event.status === 'uploaded') {
          const object = s3Store.getObject(event.bucket, event.key);
          writeFileDurably(file, object.body);
          writeFileDurably(
            meta,
            JSON.stringify({ contentType: object.contentType, metadata: object.metadata }),
          );
        } else if (event.status === 'deleted') {
          for (const path of [file, meta]) if (existsSync(path)) unlinkSync(path);
        }
      }
    },
  };

  sqsStore.spy = writeThrough;
  s3Store.spy = writeThrough;

  const queues: Record<string, LocalQueue> = {};
  for (const name of options.queueNames) {
    const dlq = createQueue(`${name}-dlq`);
    const queue = createQueue(name, {
      VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlq.arn,
        maxReceiveCount: String(MAX_RECEIVE_COUNT),
      }),
    });
    queues[name] = { ...queue, deadLetter: dlq };
  }
  const topics: Record<string, string> = {};
  for (const topic of options.topics ?? []) {
    snsStore.createTopic(topic.name, undefined, undefined, REGION);
    topics[topic.name] = arnOf('sns', topic.name);
    snsStore.subscribe(arnOf('sns', topic.name), 'sqs', arnOf('sqs', topic.queue));
  }
  const buckets = options.buckets ?? [];
  for (const bucket of buckets) s3Store.createBucket(bucket);

  restoreObjects(s3Store, objectsDir, metaDir, buckets);
  restoreQueues(SqsStore, sqsStore, options.dataDir, journal);
  restoring = false;

  const settings = { endpoint, region: REGION, credentials: LOCAL_CREDENTIALS };
  const client = new SQSClient(settings);
  const sns = new SNSClient(settings);
  const s3 = new S3Client({ ...settings, forcePathStyle: true });

  return {
    endpoint,
    queues,
    topics,
    client,
    sns,
    s3,
    depth: (name) => {
      const messages = sqsStore.inspectQueue(name)?.messages;
      return messages
        ? messages.ready.length + messages.delayed.length + messages.inflight.length
        : 0;
    },
    close: async () => {
      client.destroy();
      sns.destroy();
      s3.destroy();
      await app.close();
      sqsStore.shutdown();
      journal.close();
    },
  };
}

/**
 * Puts the journalled messages back into their queues and starts a fresh journal with just
 * them (the old one is replaced only once the new one is on disk). A `sqs-messages.json`
 * from an older version (saved at a clean stop) is taken over once.
 */
function restoreQueues(
  Store: SqsStoreClass,
  store: SqsStore,
  dataDir: string,
  journal: Journal<QueueRecord>,
): void {
  const file = join(dataDir, JOURNAL_FILE);
  const live = new Map<string, Map<string, { body: string; attrs?: Record<string, unknown> }>>();
  const of = (queue: string) => {
    let messages = live.get(queue);
    if (!messages) live.set(queue, (messages = new Map()));
    return messages;
  };
  const legacy = join(dataDir, 'sqs-messages.json');
  if (existsSync(legacy)) {
    const saved = JSON.parse(readFileSync(legacy, 'utf8')) as Record<string, string[]>;
    for (const [queue, bodies] of Object.entries(saved)) {
      for (const body of bodies) of(queue).set(randomUUID(), { body });
    }
  }
  for (const record of Journal.read<QueueRecord>(file)) {
    if (record.op === '+') {
      of(record.q).set(record.id, {
        body: record.body,
        ...(record.attrs ? { attrs: record.attrs } : {}),
      });
    } else of(record.q).delete(record.id);
  }
  const kept: QueueRecord[] = [];
  for (const [queueName, messages] of live) {
    const queue = store.getQueueByName(queueName);
    if (!queue) continue;
    for (const [id, { body, attrs }] of messages) {
      // The journalled id is kept, so a delete journalled later matches this message.
      queue.enqueue({ ...Store.createMessage(body, attrs ?? {}), messageId: id });
      kept.push({ q: queueName, id, op: '+', body, ...(attrs ? { attrs } : {}) });
    }
  }
  journal.rewrite(kept);
  if (existsSync(legacy)) rmSync(legacy);
}

/**
 * Where an object is kept: its key's segments URI-encoded (so `..` or an empty segment can
 * never leave the folder), readable names left as they are.
 */
function objectFile(root: string, bucket: string, key: string): string {
  const segments = key
    .split('/')
    .map((segment) =>
      segment === '' || segment === '.' || segment === '..'
        ? `%2E${segment.replaceAll('.', '%2E')}`
        : encodeURIComponent(segment),
    );
  return join(root, encodeURIComponent(bucket), ...segments);
}

function keyOf(relativePath: string): string {
  return relativePath
    .split(sep)
    .map((segment) => {
      if (segment.startsWith('%2E')) return segment.slice(3).replaceAll('%2E', '.');
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment; // Written raw by an older version.
      }
    })
    .join('/');
}

/** Loads the objects kept in the data folder into the S3 stand-in's memory. */
function restoreObjects(store: S3Store, dir: string, metaDir: string, buckets: string[]) {
  for (const bucket of buckets) {
    const root = join(dir, encodeURIComponent(bucket));
    if (!existsSync(root)) continue;
    for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || entry.name.endsWith('.next')) continue;
      const file = join(entry.parentPath, entry.name);
      const key = keyOf(relative(root, file));
      const metaFile = `${objectFile(metaDir, bucket, key)}.json`;
      const meta = existsSync(metaFile)
        ? (JSON.parse(readFileSync(metaFile, 'utf8')) as {
            contentType?: string;
            metadata?: Record<string, string>;
          })
        : {};
      store.putObject(bucket, key, readFileSync(file), meta.contentType, meta.metadata);
    }
  }
}
