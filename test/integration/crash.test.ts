import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `npm start` killed with SIGKILL in the middle of intake and claims, then started again on
 * the same data folder: nothing that was answered may be lost or doubled.
 */
const ROOT = join(import.meta.dirname, '..', '..');

interface Running {
  child: ChildProcess;
  apiUrl: string;
  sesUrl: string;
  output: () => string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Mailer batches at a time in the stack under test (as `npm start` runs by default). */
const MAILER_CONCURRENCY = 8;

/** `npm start` as a child process on its own ports, ready once it prints its banner. */
async function start(dataDir: string, port: number): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOCAL_DATA_DIR: dataDir,
      PORT: String(port),
      SES_PORT: '0',
      SMTP_PORT: '0',
      DYNAMODB_PORT: '0',
      SQS_PORT: '0',
      QUEUE_BACKOFF_BASE_SECONDS: '1',
      MAIL_LEASE_SECONDS: '3',
      // Every client of this test is 127.0.0.1 and writes from one domain: the limits
      // against relaying acknowledgements (SPEC §14) are not what is tried here.
      ACK_LIMIT_CLIENT: '100000',
      ACK_LIMIT_DOMAIN: '100000',
      LOCAL_MAILER_CONCURRENCY: String(MAILER_CONCURRENCY),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // While it starts, the API port must answer (503) or refuse, never leave a request hanging.
  const early: number[] = [];
  const deadline = Date.now() + 60_000;
  while (!/Stop with Ctrl-C/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`npm start did not come up:\n${output}`);
    }
    const answer = await fetch(`http://127.0.0.1:${port}/health`, {
      signal: AbortSignal.timeout(5_000),
    }).then(
      (response) => response.status,
      (error: Error) => (error.name === 'TimeoutError' ? -1 : 0),
    );
    early.push(answer);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(early.filter((status) => ![0, 200, 503].includes(status))).toEqual([]);
  const sesUrl = /sent mail \(SES\)\s+(\S+)/.exec(output)?.[1] ?? '';
  return { child, apiUrl: `http://127.0.0.1:${port}`, sesUrl, output: () => output };
}

async function call(
  running: Running,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${running.apiUrl}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
  };
}

async function tokenFor(running: Running, sub: string): Promise<string> {
  const { json } = await call(running, 'GET', `/_local/token?sub=${sub}&groups=agents`);
  return json.token as string;
}

describe('a crash of npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'servicedesk-crash-'));
  let running: Running | undefined;
  afterAll(async () => {
    if (running && running.child.exitCode === null) {
      const exited = new Promise((resolve) => running?.child.once('exit', resolve));
      running.child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no answered ticket, claim, acknowledgement or file, and doubles none', async () => {
    const port = await freePort();
    running = await start(dataDir, port);
    const first = running;
    // The banner names the secret's file with a slash, whatever LOCAL_DATA_DIR ends with.
    expect(first.output()).toContain(`(HMAC secret in ${join(dataDir, 'voicemail-secret')})`);
    const agents = ['ann', 'ben'];
    const tokens = Object.fromEntries(
      await Promise.all(agents.map(async (a) => [a, await tokenFor(first, a)] as const)),
    );

    const created = new Map<string, string>(); // ticketId → access token
    const files: { ticketId: string; key: string; content: string }[] = [];
    const claims = new Map<string, string>(); // ticketId → agent
    let stop = false;
    let sequence = 0;
    const client = async () => {
      while (!stop) {
        const n = ++sequence;
        try {
          const submitted = await call(first, 'POST', '/tickets', {
            body: {
              name: `Kunde ${n}`,
              email: `kunde-${n}@example.org`,
              subject: `Absturz ${n}`,
              description: 'Nichts geht mehr.',
              severity: 'normal',
            },
          });
          if (submitted.status !== 201) throw new Error(`submit answered ${submitted.status}`);
          const ticketId = submitted.json.ticketId as string;
          const accessToken = submitted.json.accessToken as string;
          created.set(ticketId, accessToken);
          if (n % 3 === 0) {
            const content = `Datei ${n} `.repeat(50);
            const upload = await call(first, 'POST', `/tickets/${ticketId}/attachments`, {
              headers: { 'x-ticket-token': accessToken },
              body: {
                filename: `log-${n}.txt`,
                contentType: 'text/plain',
                contentBase64: Buffer.from(content).toString('base64'),
              },
            });
            if (upload.status === 201) {
              files.push({ ticketId, key: upload.json.key as string, content });
            }
          }
        } catch {
          return; // The stack is gone: what was not answered does not count.
        }
      }
    };
    const agent = async (name: string) => {
      while (!stop) {
        try {
          const claim = await call(first, 'POST', '/queue/claim', { token: tokens[name] });
          if (claim.status === 200) claims.set(claim.json.ticketId as string, name);
          else await new Promise((resolve) => setTimeout(resolve, 20));
        } catch {
          return;
        }
      }
    };
    const load = [
      ...Array.from({ length: 8 }, () => client()),
      ...agents.map((name) => agent(name)),
    ];
    // Long enough for tickets, files and claims to be under way when the kill comes.
    const until = Date.now() + 20_000;
    while (Date.now() < until && (created.size < 150 || claims.size < 20)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;
    stop = true;
    await Promise.all(load);
    expect(created.size).toBeGreaterThan(20);
    expect(claims.size).toBeGreaterThan(0);
    expect(files.length).toBeGreaterThan(0);

    running = await start(dataDir, port);
    const second = running;
    expect(second.output()).toMatch(/did not stop cleanly/);
    const token = await tokenFor(second, 'auditor');

    // Every answered ticket exists, once: open in the queue or held by the agent who claimed it.
    const queued: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(
        second,
        'GET',
        `/queue?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token },
      );
      expect(page.status).toBe(200);
      queued.push(...(page.json.items as { ticketId: string }[]).map((t) => t.ticketId));
      cursor = page.json.nextCursor as string | null;
    } while (cursor);
    const held = new Map<string, string>();
    for (const name of agents) {
      const mine = await call(second, 'GET', '/tickets?assignee=me&limit=100', {
        token: await tokenFor(second, name),
      });
      for (const t of mine.json.items as { ticketId: string }[]) held.set(t.ticketId, name);
    }
    expect(new Set(queued).size).toBe(queued.length);
    for (const [ticketId] of created) {
      const read = await call(second, 'GET', `/tickets/${ticketId}`, { token });
      expect(read.status, ticketId).toBe(200);
      const inQueue = queued.includes(ticketId);
      expect(inQueue !== held.has(ticketId), `${ticketId} in queue or held, not both`).toBe(true);
      expect(read.json.status).toBe(inQueue ? 'open' : 'in_progress');
    }
    for (const [ticketId, name] of claims) expect(held.get(ticketId), ticketId).toBe(name);

    // Every answered ticket is acknowledged. Only a mail whose sending the kill cut (SES had
    // answered, the delivery record was not yet written) may go out a second time: at most
    // one per mailer worker busy at the kill, since SES takes no idempotency key.
    const acknowledgements = async () => {
      const response = await fetch(`${second.sesUrl}/store`);
      const { emails } = (await response.json()) as { emails: { subject: string }[] };
      const count = new Map<string, number>();
      for (const { subject } of emails) {
        const ticketId = /\[(T-\d+)\]/.exec(subject)?.[1];
        if (ticketId) count.set(ticketId, (count.get(ticketId) ?? 0) + 1);
      }
      return count;
    };
    let counts = await acknowledgements();
    const deadline = Date.now() + 60_000;
    while ([...created.keys()].some((id) => !counts.has(id)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      counts = await acknowledgements();
    }
    const missing = [...created.keys()].filter((id) => !counts.has(id));
    expect(missing).toEqual([]);
    const doubled = [...counts].filter(([, n]) => n > 1);
    expect(doubled.length, JSON.stringify(doubled)).toBeLessThanOrEqual(MAILER_CONCURRENCY);
    expect(doubled.every(([, n]) => n === 2)).toBe(true);

    // Every file stored before the kill can be downloaded, with its content.
    for (const file of files) {
      const link = await call(
        second,
        'GET',
        `/tickets/${file.ticketId}/attachments?key=${encodeURIComponent(file.key)}&format=json`,
        { headers: { 'x-ticket-token': created.get(file.ticketId) ?? '' } },
      );
      expect(link.status, file.key).toBe(200);
      const download = await fetch(link.json.url as string);
      expect(download.status, file.key).toBe(200);
      expect(await download.text()).toBe(file.content);
    }
  }, 180_000);
});
