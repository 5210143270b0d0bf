import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Store calls by operation: how many, and how many failed (by DynamoDB error type). */
export type StoreCallCounts = Record<string, { calls: number; errors: Record<string, number> }>;

/**
 * Diagnostics only (BENCH_COUNT_STORE_CALLS=1): a pass-through proxy in front of dynalite
 * that counts the DynamoDB operations the product's handlers send (by `X-Amz-Target`) and
 * the errors they get back. `GET /__counts` answers the totals so far. It adds a hop to
 * every store call of the HTTP side, so figures taken with it are not the bench's figures.
 */
export async function startStoreCallCounter(
  target: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counts: StoreCallCounts = {};
  const server: Server = createServer((incoming, outgoing) => {
    if (incoming.url === '/__counts') {
      outgoing.writeHead(200, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify(counts));
      return;
    }
    const operation = String(incoming.headers['x-amz-target'] ?? 'unknown').replace(/^.*\./, '');
    const entry = (counts[operation] ??= { calls: 0, errors: {} });
    entry.calls++;
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
        agent,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          if ((answer.statusCode ?? 500) >= 400) {
            const type = /"__type":"[^"]*#(\w+)"/.exec(body.toString('utf8'))?.[1] ?? 'error';
            entry.errors[type] = (entry.errors[type] ?? 0) + 1;
          }
          outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
          outgoing.end(body);
        });
      },
    );
    forward.on('error', (error) => outgoing.destroy(error));
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The counter's totals, or undefined when the bench runs without it. */
export async function readStoreCalls(
  url: string | undefined,
): Promise<StoreCallCounts | undefined> {
  if (!url) return undefined;
  const response = await fetch(`${url}/__counts`);
  return (await response.json()) as StoreCallCounts;
}

/** `after - before`, as `Query 1.9, PutItem 4.1 (3.1 ConditionalCheckFailed)` per `per` ops. */
export function describeStoreCalls(
  before: StoreCallCounts,
  after: StoreCallCounts,
  per: number,
): string {
  return Object.entries(after)
    .map(([operation, { calls, errors }]) => {
      const earlier = before[operation];
      const n = calls - (earlier?.calls ?? 0);
      const failed = Object.entries(errors)
        .map(([type, k]) => [type, k - (earlier?.errors[type] ?? 0)] as const)
        .filter(([, k]) => k > 0)
        .map(([type, k]) => `${(k / per).toFixed(2)} ${type}`);
      return n > 0
        ? `${operation} ${(n / per).toFixed(2)}${failed.length ? ` (${failed.join(', ')})` : ''}`
        : '';
    })
    .filter(Boolean)
    .join(', ');
}
