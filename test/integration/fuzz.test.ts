import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/http/routes';
import { matchPath } from '../../bin/local/api-gateway';
import { TestStack } from './harness';

/** Names that are members of every plain object: a map keyed by outside input must not care. */
const PROTOTYPE_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  '__defineGetter__',
  'prototype',
];
/** Names the handlers do read, so generated requests reach past the first checks. */
const KNOWN_QUERY = ['limit', 'cursor', 'assignee', 'key', 'format', 'month', 'sort'];
const KNOWN_HEADERS = [
  'x-ticket-token',
  'idempotency-key',
  'x-servicedesk-signature',
  'x-servicedesk-timestamp',
  'accept-language',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
/** A stack trace or a path into the code in a response is a leak. */
const LEAK = /\bat [\w.<>]+ \(|node_modules|\.ts:\d+|functions\/(http|app|shared)\//;

const headerValue = fc
  .string({ unit: 'grapheme-ascii', maxLength: 40 })
  .map((s) => s.replace(/[^\x20-\x7e]/g, '').trim());
const anyName = fc.oneof(
  fc.constantFrom(...PROTOTYPE_NAMES),
  fc.constantFrom(...KNOWN_QUERY),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);
const anyText = fc.oneof(
  fc.constantFrom(...PROTOTYPE_NAMES, '', ' ', '0', '-1', '1e309', 'null', 'T-10001', 'me'),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);
/** Parameters for `{ticketId}` and `{customerId}`; the earlier tickets (T-10001…) never appear. */
const pathParameter = fc.oneof(
  fc.constantFrom(...PROTOTYPE_NAMES, 'T-99999', 'T-0', 'T-', '..', '%2e%2e', 'acme', 'T-1%00'),
  fc.integer({ min: 50_000, max: 10 ** 12 }).map((n) => `T-${n}`),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
);
const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    {
      name: anyText,
      email: fc.oneof(fc.emailAddress(), anyText),
      subject: anyText,
      description: anyText,
      severity: fc.oneof(fc.constantFrom('low', 'normal', 'high', 'critical'), anyText),
      status: fc.constantFrom('open', 'in_progress', 'resolved', 'closed', 'constructor'),
      minutes: fc.oneof(fc.integer(), fc.double()),
      serviceCode: anyText,
      locale: anyText,
      __proto__: fc.jsonValue({ maxDepth: 1 }),
      constructor: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  ),
);

describe('generated requests on every route', () => {
  let api: TestStack;
  let tokens: Record<string, string>;
  let earlier: { ticketId: string; view: string }[];

  const readEarlier = async () =>
    Promise.all(
      earlier.map(async ({ ticketId }) => {
        const read = await api.request('GET', `/tickets/${ticketId}`, { token: tokens.holder });
        return { ticketId, view: read.text };
      }),
    );

  beforeAll(async () => {
    api = await TestStack.start();
    tokens = {
      holder: await api.token('holder', ['agents']),
      agent: await api.token('mallory', ['agents']),
      admin: await api.token('root', ['admins']),
      finance: await api.token('fin', ['finance']),
      all: await api.token('boss', ['agents', 'finance', 'admins']),
      expired: await api.signWithLocalKey({ lifetimeSeconds: -60 }),
      foreign: await api.signWithLocalKey({ issuer: 'https://elsewhere.example/' }),
    };
    // Earlier tickets, held by an agent the fuzz never is: nothing generated may change them.
    earlier = [];
    for (let i = 0; i < 2; i++) {
      earlier.push({
        ticketId: (await api.submit({ subject: `earlier ${i}` })).ticketId,
        view: '',
      });
    }
    for (let i = 0; i < 2; i++) {
      const claim = await api.request('POST', '/queue/claim', { token: tokens.holder });
      expect(claim.status).toBe(200);
    }
    await api.outboxIdle();
    earlier = await readEarlier();
    for (const { view } of earlier)
      expect(JSON.parse(view)).toMatchObject({ status: 'in_progress' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('never answers 5xx, never leaks a stack, always problem+json, and changes no earlier ticket', async () => {
    const request = fc.record({
      route: fc.constantFrom(...routes),
      method: fc.option(fc.constantFrom(...METHODS), { nil: undefined }),
      parameters: fc.array(pathParameter, { minLength: 2, maxLength: 2 }),
      query: fc.array(fc.tuple(anyName, anyText), { maxLength: 4 }),
      headers: fc.array(
        fc.tuple(fc.constantFrom(...PROTOTYPE_NAMES, ...KNOWN_HEADERS), headerValue),
        { maxLength: 3 },
      ),
      body: fc.option(
        fc.oneof(
          jsonBody.map((value) => ({ form: false, raw: JSON.stringify(value) })),
          fc.string({ maxLength: 200 }).map((raw) => ({ form: false, raw })),
          fc.string({ maxLength: 100 }).map((raw) => ({ form: true, raw })),
        ),
        { nil: undefined },
      ),
      token: fc.option(
        fc.oneof(
          fc.constantFrom('agent', 'admin', 'finance', 'all', 'expired', 'foreign'),
          fc.constantFrom('garbage', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'),
        ),
        { nil: undefined },
      ),
    });

    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        let i = 0;
        const path = r.route.path.replace(/\{\w+\}/g, () => r.parameters[i++] ?? 'x');
        const search = new URLSearchParams(r.query).toString();
        const headers: Record<string, string> = {};
        for (const [name, value] of r.headers) headers[name] = value;
        if (r.token) {
          headers.authorization = `Bearer ${tokens[r.token] ?? r.token}`;
        }
        const form = r.body?.form === true;
        if (r.body) {
          headers['content-type'] = form ? 'application/x-www-form-urlencoded' : 'application/json';
        }
        const method = r.method ?? r.route.method;
        const response = await api.request(method, `${path}${search ? `?${search}` : ''}`, {
          headers,
          ...(r.body && method !== 'GET' ? { rawBody: r.body.raw } : {}),
        });
        const label = `${method} ${path}?${search} ${JSON.stringify(headers)} → ${response.status} ${response.text.slice(0, 300)}`;
        expect(response.status, label).toBeLessThan(500);
        expect(response.text, label).not.toMatch(LEAK);
        if (response.status >= 400) {
          const type = response.headers.get('content-type') ?? '';
          // A form post to a route that takes forms is answered with a page, by design.
          const served = routes.find((x) => x.method === method && matchPath(x.path, path));
          if (form && served?.form && type.startsWith('text/html')) return;
          expect(type, label).toContain('application/problem+json');
          expect(response.json, label).toMatchObject({ status: response.status });
        }
      }),
      { numRuns: 300, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );

    expect((await api.request('GET', '/health')).status).toBe(200);
    expect((await api.request('GET', '/queue', { token: tokens.agent })).status).toBe(200);
    await api.submit({ subject: 'after the fuzz' });
    await api.outboxIdle();
    expect(await readEarlier()).toEqual(earlier);
  }, 120_000);
});
