import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { LOCAL_CREDENTIALS } from './dynamodb';

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
  close(): Promise<void>;
}

/** Receives before a message moves to the dead-letter queue (as in the CDK stack). */
export const MAX_RECEIVE_COUNT = 5;
const REGION = 'eu-central-1';

/**
 * The SQS, SNS and S3 stand-in: fauxqs (SQS's JSON protocol, visibility timeouts, long
 * polling, redrive to a dead-letter queue; SNS topics delivering to queues; S3 buckets).
 * fauxqs keeps everything in memory, so queued messages and stored objects are saved to the
 * data folder when the stack stops and put back when it starts.
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
  const server = await startFauxqs({
    port: options.port,
    host: '127.0.0.1',
    logger: false,
    defaultRegion: REGION,
  });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const queues: Record<string, LocalQueue> = {};
  for (const name of options.queueNames) {
    const dlq = server.createQueue(`${name}-dlq`, { region: REGION });
    const queue = server.createQueue(name, {
      region: REGION,
      attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlq.queueArn,
          maxReceiveCount: String(MAX_RECEIVE_COUNT),
        }),
      },
    });
    queues[name] = {
      name,
      url: queue.queueUrl,
      arn: queue.queueArn,
      deadLetter: { name: dlq.queueName, url: dlq.queueUrl, arn: dlq.queueArn },
    };
  }
  const topics: Record<string, string> = {};
  for (const topic of options.topics ?? []) {
    topics[topic.name] = server.createTopic(topic.name, { region: REGION }).topicArn;
    server.subscribe({ topic: topic.name, queue: topic.queue, region: REGION });
  }
  for (const bucket of options.buckets ?? []) server.createBucket(bucket);

  const settings = { endpoint, region: REGION, credentials: LOCAL_CREDENTIALS };
  const client = new SQSClient(settings);
  const sns = new SNSClient(settings);
  const s3 = new S3Client({ ...settings, forcePathStyle: true });
  const saved = join(options.dataDir, 'sqs-messages.json');
  const objectsDir = join(options.dataDir, 's3');
  await restore(client, queues, saved);
  await restoreObjects(s3, objectsDir, options.buckets ?? []);

  return {
    endpoint,
    queues,
    topics,
    client,
    sns,
    s3,
    close: async () => {
      const pending: Record<string, string[]> = {};
      for (const queue of Object.values(queues)) {
        for (const q of [queue, queue.deadLetter]) {
          const state = server.inspectQueue(q.name);
          if (!state) continue;
          pending[q.name] = [
            ...state.messages.ready,
            ...state.messages.delayed,
            ...state.messages.inflight.map((entry) => entry.message),
          ].map((m) => m.body);
        }
      }
      mkdirSync(options.dataDir, { recursive: true });
      writeFileSync(saved, JSON.stringify(pending));
      await saveObjects(s3, objectsDir, options.buckets ?? []);
      client.destroy();
      sns.destroy();
      s3.destroy();
      await server.stop();
    },
  };
}

async function restore(client: SQSClient, queues: Record<string, LocalQueue>, file: string) {
  if (!existsSync(file)) return;
  const pending = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string[]>;
  const byName = new Map(
    Object.values(queues).flatMap((q) => [
      [q.name, q.url],
      [q.deadLetter.name, q.deadLetter.url],
    ]),
  );
  for (const [name, bodies] of Object.entries(pending)) {
    const url = byName.get(name);
    for (let i = 0; url && i < bodies.length; i += 10) {
      await client.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: bodies.slice(i, i + 10).map((body, j) => ({ Id: String(j), MessageBody: body })),
        }),
      );
    }
  }
}

async function saveObjects(s3: S3Client, dir: string, buckets: string[]) {
  for (const bucket of buckets) {
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
      );
      for (const { Key } of page.Contents ?? []) {
        if (!Key) continue;
        const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
        const file = join(dir, bucket, Key);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, await (Body?.transformToByteArray() ?? new Uint8Array()));
      }
      token = page.NextContinuationToken;
    } while (token);
  }
}

async function restoreObjects(s3: S3Client, dir: string, buckets: string[]) {
  for (const bucket of buckets) {
    const root = join(dir, bucket);
    if (!existsSync(root)) continue;
    for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = join(entry.parentPath, entry.name);
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: relative(root, file),
          Body: readFileSync(file),
        }),
      );
    }
  }
}
