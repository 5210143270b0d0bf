import { Agent, get, type IncomingHttpHeaders, request } from 'node:http';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpClient {
  send(
    method: string,
    path: string,
    options?: { token?: string; json?: unknown; headers?: Record<string, string> },
  ): Promise<HttpResponse>;
  close(): void;
}

/**
 * A plain keep-alive HTTP/1.1 client: little overhead of its own, 127.0.0.1 only.
 * `localAddress` (any of 127.0.0.0/8) is the client address the API sees.
 */
export function createHttpClient(
  baseUrl: string,
  maxSockets: number,
  localAddress?: string,
): HttpClient {
  const base = new URL(baseUrl);
  if (base.hostname !== '127.0.0.1') throw new Error(`the bench talks to 127.0.0.1 only`);
  if (localAddress !== undefined && !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(localAddress)) {
    throw new Error(`the bench talks from 127.0.0.0/8 only, not ${localAddress}`);
  }
  const agent = new Agent({
    keepAlive: true,
    maxSockets,
    ...(localAddress ? { localAddress } : {}),
  });
  return {
    send(method, path, options = {}) {
      const body = options.json === undefined ? undefined : JSON.stringify(options.json);
      const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(Buffer.byteLength(body));
      }
      return new Promise<HttpResponse>((resolve, reject) => {
        const outgoing = request(
          { host: base.hostname, port: base.port, method, path, headers, agent },
          (incoming) => {
            const chunks: Buffer[] = [];
            incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
            incoming.on('error', reject);
            incoming.on('end', () =>
              resolve({
                status: incoming.statusCode ?? 0,
                headers: incoming.headers,
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            );
          },
        );
        outgoing.on('error', reject);
        outgoing.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/**
 * GETs a URL on 127.0.0.1 (e.g. a presigned link of the S3 stand-in) and hands the body to
 * `onText` as it arrives, without holding it; resolves the status and the bytes received.
 */
export function download(
  url: string,
  onText: (text: string) => void,
): Promise<{ status: number; bytes: number }> {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1') throw new Error(`the bench talks to 127.0.0.1 only`);
  return new Promise((resolve, reject) => {
    get(target, (incoming) => {
      let bytes = 0;
      incoming.setEncoding('utf8');
      incoming.on('data', (text: string) => {
        bytes += Buffer.byteLength(text);
        onText(text);
      });
      incoming.on('error', reject);
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, bytes }));
    }).on('error', reject);
  });
}
