import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { importJWK, type JWK, SignJWT } from 'jose';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS } from '../../bin/local/dynamodb';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocalIssuer } from '../../bin/local/signing-key';
import { startLocalStack, type LocalStack } from '../../bin/local/stack';
import type { OpenApiDocument } from '../../functions/http/openapi-document';
import { OpenApiConformance } from './openapi-conformance';

/** A response as the tests look at it. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  // Response bodies are whatever the server sent; tests assert on their shape.
  json: Record<string, unknown>;
}

export interface RequestOptions {
  body?: unknown;
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

/** A fresh local stack in a temporary folder, as `npm start` runs it, on free ports. */
export class TestStack {
  private conformance?: Promise<OpenApiConformance>;
  private started?: { stack: LocalStack; dataDir: string };

  /** The running stack's addresses and parts; only once it started. */
  get stack(): LocalStack {
    return this.running().stack;
  }

  /** The stack's data folder (DynamoDB data, queues, buckets, signing key). */
  get dataDir(): string {
    return this.running().dataDir;
  }

  static async start(): Promise<TestStack> {
    const testStack = new TestStack();
    await testStack.open();
    return testStack;
  }

  /** Starts the stack behind this handle (see {@link useStack}). */
  async open(): Promise<void> {
    const dataDir = mkdtempSync(join(tmpdir(), 'servicedesk-test-'));
    const stack = await startLocalStack({
      dataDir,
      port: 0,
      dynamoDbPort: 0,
      sqsPort: 0,
      sesPort: 0,
      smtpPort: 0,
      queueBackoffSeconds: 0,
      // Tests run the escalation job themselves, with their own clock.
      escalationIntervalMs: 0,
      // Tests run the retention job themselves too.
      retentionIntervalMs: 0,
      // Tests that repair the queue counters run the job themselves, at chosen moments.
      recountIntervalMs: 0,
    });
    this.started = { stack, dataDir };
  }

  private running(): { stack: LocalStack; dataDir: string } {
    if (!this.started) throw new Error('the test stack has not started (it starts in beforeAll)');
    return this.started;
  }

  /** Waits until the outbox is drained: every queued mail event has been handled. */
  async outboxIdle(timeoutMs = 15_000): Promise<void> {
    const sqs = new SQSClient({
      endpoint: this.stack.sqsEndpoint,
      region: 'eu-central-1',
      credentials: LOCAL_CREDENTIALS,
    });
    const deadline = Date.now() + timeoutMs;
    try {
      let quiet = 0;
      while (quiet < 2) {
        if (Date.now() > deadline) throw new Error('the outbox did not drain in time');
        const { Attributes = {} } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: this.stack.outbox.url,
            AttributeNames: [
              'ApproximateNumberOfMessages',
              'ApproximateNumberOfMessagesNotVisible',
            ],
          }),
        );
        const busy =
          Number(Attributes.ApproximateNumberOfMessages) +
          Number(Attributes.ApproximateNumberOfMessagesNotVisible);
        quiet = busy === 0 ? quiet + 1 : 0;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      sqs.destroy();
    }
  }

  /** Every mail the SES stand-in holds, oldest first. */
  async sentMail(): Promise<SentMailInStore[]> {
    const response = await fetch(`${this.stack.sesUrl}/store`);
    const { emails } = (await response.json()) as { emails: SentMailInStore[] };
    return emails;
  }

  /** Waits for mail matching `predicate`; drains the outbox first so nothing is in flight. */
  async mailTo(predicate: (mail: SentMailInStore) => boolean): Promise<SentMailInStore[]> {
    await this.outboxIdle();
    return (await this.sentMail()).filter(predicate);
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    const { stack, dataDir } = this.started;
    this.started = undefined;
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  token(sub: string, groups: string[] = ['agents']): Promise<string> {
    return this.stack.token(sub, groups);
  }

  /** Signs a token with the stack's own key but chosen lifetime or issuer (for hostile tests). */
  async signWithLocalKey(options: { lifetimeSeconds?: number; issuer?: string }): Promise<string> {
    const issuer = await loadLocalIssuer(
      join(this.dataDir, 'jwt-signing-key.json'),
      options.issuer ?? `${this.stack.apiUrl}/_local`,
    );
    return issuer.issue('alice', ['agents'], options.lifetimeSeconds);
  }

  /**
   * Signs any claims with the stack's own key (RS256, its key id), as nothing but Cognito
   * could: for tests of what a correctly signed but otherwise wrong token gets.
   */
  async signClaims(claims: Record<string, unknown>): Promise<string> {
    const jwk = JSON.parse(readFileSync(join(this.dataDir, 'jwt-signing-key.json'), 'utf8')) as JWK;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid ?? 'local', typ: 'JWT' })
      .sign(await importJWK(jwk, 'RS256'));
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(`${this.stack.apiUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      json = {};
    }
    const contentType = response.headers.get('content-type');
    const problems = (await this.openApi()).check(method, path, {
      status: response.status,
      contentType,
      text,
    });
    // The document lets API Gateway's catch-all errors leave out title and status; the
    // handlers (and the local gateway, which has no catch-all) always send both.
    if (contentType === 'application/problem+json' && problems.length === 0) {
      const problem = JSON.parse(text) as { title?: unknown; status?: unknown };
      if (problem.status !== response.status) problems.push('status differs from the HTTP one');
      if (typeof problem.title !== 'string' || !problem.title) problems.push('title is missing');
    }
    if (problems.length > 0) {
      throw new Error(
        `${method} ${path} answered ${response.status}, which does not conform to the OpenAPI document (functions/http/contract.ts, responses.ts): ${problems.join('; ')}\n${text.slice(0, 2000)}`,
      );
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  /** The API's own OpenAPI document, fetched once: every response is checked against it. */
  private openApi(): Promise<OpenApiConformance> {
    this.conformance ??= fetch(`${this.stack.apiUrl}/openapi.json`).then(async (response) => {
      if (response.status !== 200) throw new Error(`GET /openapi.json: ${response.status}`);
      return new OpenApiConformance((await response.json()) as OpenApiDocument);
    });
    return this.conformance;
  }

  /** Submits a web-form ticket and returns the 201 body. */
  async submit(overrides: Record<string, unknown> = {}): Promise<SubmittedTicket> {
    const response = await this.request('POST', '/tickets', {
      body: {
        name: 'Erika Mustermann',
        email: 'erika@example.org',
        subject: 'Backup schlägt fehl',
        description: 'Seit dem Update läuft die Sicherung nicht mehr.',
        severity: 'normal',
        ...overrides,
      },
    });
    if (response.status !== 201)
      throw new Error(`submit failed: ${response.status} ${response.text}`);
    return response.json as unknown as SubmittedTicket;
  }

  /** The whole queue, page by page, in the order the API returns it. */
  async queue(token: string, limit = 50): Promise<QueueItem[]> {
    const items: QueueItem[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await this.request('GET', `/queue?${query}`, { token });
      if (page.status !== 200) throw new Error(`queue failed: ${page.status} ${page.text}`);
      items.push(...(page.json.items as QueueItem[]));
      cursor = page.json.nextCursor as string | null;
    } while (cursor);
    return items;
  }
}

/**
 * Who a test calls as: the groups of a user named like the key (`alice: ['agents']`), or a
 * user name and groups (`agent: { sub: 'alice', groups: ['agents'] }`).
 */
export type TestPrincipal =
  readonly string[] | { readonly sub: string; readonly groups: readonly string[] };

/** The stack of a describe block and a token for each principal it named. */
export interface UsedStack<P extends Record<string, TestPrincipal>> {
  /** The block's stack: a handle at once, started in the block's first beforeAll. */
  readonly api: TestStack;
  /** A token per principal, by the principal's key; filled in when the stack started. */
  readonly tokens: { readonly [K in keyof P]: string };
}

/**
 * One local stack for the enclosing describe block: started (and the principals' tokens
 * signed) in a beforeAll registered here, so the block's own beforeAll hooks after this
 * call find it running; stopped in afterAll, after the block's own afterAll hooks.
 */
export function useStack<const P extends Record<string, TestPrincipal> = Record<never, never>>(
  principals?: P,
): UsedStack<P> {
  const api = new TestStack();
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    await api.open();
    for (const [name, who] of Object.entries<TestPrincipal>(principals ?? {})) {
      const { sub, groups } = isGroupList(who) ? { sub: name, groups: who } : who;
      tokens[name] = await api.token(sub, [...groups]);
    }
  });
  afterAll(() => api.stop());
  return { api, tokens: tokens as UsedStack<P>['tokens'] };
}

function isGroupList(who: TestPrincipal): who is readonly string[] {
  return Array.isArray(who);
}

export interface SubmittedTicket {
  ticketId: string;
  status: string;
  group: 'contract' | 'standard';
  severity: string;
  receivedAt: string;
  accessToken: string;
}

export interface QueueItem {
  ticketId: string;
  group: string;
  severity: string;
  receivedAt: string;
  subject: string;
  customer: { id: string | null; name: string };
}

/** A contract valid from long ago without an end: the customer is in the contract group. */
export const OPEN_CONTRACT = {
  id: 'SV-2020-001',
  validFrom: '2020-01-01',
  includedMinutesPerMonth: 600,
  coveredServiceCodes: ['REMOTE'],
};

/** A mail as the SES stand-in's `/store` lists it. */
export interface SentMailInStore {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}
