import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
  endpoint: string;
  queues: Record<string, LocalQueue>;
  client: SQSClient;
  close(): Promise<void>;
}

/** Receives before a message moves to the dead-letter queue (as in the CDK stack). */
export const MAX_RECEIVE_COUNT = 5;
const REGION = 'eu-central-1';

/**
 * The SQS stand-in: fauxqs (SQS's JSON protocol, visibility timeouts, long polling,
 * redrive to a dead-letter queue). fauxqs keeps messages in memory, so the messages still
 * queued are saved to the data folder when the stack stops and sent again when it starts.
 */
export async function startSqs(options: {
  port: number;
  dataDir: string;
  queueNames: string[];
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
  const client = new SQSClient({ endpoint, region: REGION, credentials: LOCAL_CREDENTIALS });
  const saved = join(options.dataDir, 'sqs-messages.json');
  await restore(client, queues, saved);

  return {
    endpoint,
    queues,
    client,
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
      client.destroy();
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
