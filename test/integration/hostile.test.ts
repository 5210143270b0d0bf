import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../bin/local/dynamodb';
import { TestStack } from './harness';

const VALID = {
  name: 'Erika Mustermann',
  email: 'erika@example.org',
  subject: 'Backup',
  description: 'Die Sicherung läuft nicht.',
  severity: 'high',
};

describe('hostile and malformed requests', () => {
  let api: TestStack;
  let agent: string;
  let admin: string;
  let ticketId: string;
  let db: DynamoDBClient;

  /** Every item in the table, as a fingerprint of all that is stored. */
  const snapshot = async () => {
    const { Items = [] } = await db.send(new ScanCommand({ TableName: api.stack.tableName }));
    return Items.map((item) => JSON.stringify(item)).sort();
  };

  beforeAll(async () => {
    api = await TestStack.start();
    db = new DynamoDBClient({
      endpoint: api.stack.dynamoDbEndpoint,
      region: 'local',
      credentials: LOCAL_CREDENTIALS,
    });
    agent = await api.token('alice', ['agents']);
    admin = await api.token('root', ['admins']);
    ticketId = (await api.submit()).ticketId;
  });
  afterAll(async () => {
    db?.destroy();
    await api?.stop();
  });

  it('answers each with a problem+json 4xx that names what is wrong, and stores nothing', async () => {
    await api.outboxIdle();
    const before = await snapshot();
    const json = { 'content-type': 'application/json' };
    const cases: [string, string, Parameters<TestStack['request']>[2], number, string?][] = [
      ['POST', '/tickets', { rawBody: '{"name": "x",', headers: json }, 400, 'body'],
      ['POST', '/tickets', { rawBody: 'null', headers: json }, 400],
      ['POST', '/tickets', { rawBody: '[]', headers: json }, 400],
      ['POST', '/tickets', { rawBody: '"just a string"', headers: json }, 400],
      ['POST', '/tickets', { body: {} }, 400, 'body.name'],
      ['POST', '/tickets', { body: { ...VALID, email: 'not-an-address' } }, 400, 'body.email'],
      ['POST', '/tickets', { body: { ...VALID, severity: 'urgent' } }, 400, 'body.severity'],
      ['POST', '/tickets', { body: { ...VALID, severity: 1 } }, 400, 'body.severity'],
      ['POST', '/tickets', { body: { ...VALID, subject: '   ' } }, 400, 'body.subject'],
      ['POST', '/tickets', { body: { ...VALID, subject: 'x'.repeat(201) } }, 400, 'body.subject'],
      ['POST', '/tickets', { body: { ...VALID, name: ['a'] } }, 400, 'body.name'],
      ['POST', '/tickets', { body: { ...VALID, locale: 'fr' } }, 400, 'body.locale'],
      ['POST', '/tickets', { body: { ...VALID, isAdmin: true } }, 400],
      ['POST', '/tickets', { body: { ...VALID, phone: '<script>' } }, 400, 'body.phone'],
      ['POST', '/tickets', { body: { ...VALID, description: 'x'.repeat(70_000) } }, 413],
      [
        'POST',
        '/tickets',
        { rawBody: JSON.stringify(VALID), headers: { 'content-type': 'text/plain' } },
        415,
      ],
      [
        'POST',
        '/tickets',
        { body: VALID, headers: { 'idempotency-key': 'ä'.repeat(3) } },
        400,
        'header',
      ],
      [
        'POST',
        '/tickets',
        { body: VALID, headers: { 'idempotency-key': 'k'.repeat(300) } },
        400,
        'header',
      ],
      ['GET', '/queue?limit=0', { token: agent }, 400, 'query.limit'],
      ['GET', '/queue?limit=abc', { token: agent }, 400, 'query.limit'],
      ['GET', '/queue?limit=1000', { token: agent }, 400, 'query.limit'],
      ['GET', '/queue?cursor=garbage', { token: agent }, 400, 'query.cursor'],
      [
        'GET',
        `/queue?cursor=${cursorFor({ pk: 'CUSTOMER#x', sk: 'CUSTOMER' })}`,
        { token: agent },
        400,
        'query.cursor',
      ],
      ['GET', '/queue?sort=desc', { token: agent }, 400],
      ['GET', '/tickets/10001', { token: agent }, 400, 'path.ticketId'],
      ['GET', '/tickets/T-1%27%20OR%201=1', { token: agent }, 400, 'path.ticketId'],
      ['GET', '/tickets/T-99999', { token: agent }, 404],
      ['GET', `/tickets/${ticketId}`, { headers: { 'x-ticket-token': 'wrong' } }, 404],
      ['PATCH', `/tickets/${ticketId}`, { token: agent, body: {} }, 400],
      [
        'PATCH',
        `/tickets/${ticketId}`,
        { token: agent, body: { status: 'done' } },
        400,
        'body.status',
      ],
      ['PATCH', `/tickets/${ticketId}`, { token: agent, body: { status: 'closed' } }, 409],
      ['PATCH', '/tickets/T-99999', { token: agent, body: { severity: 'low' } }, 404],
      ['POST', `/tickets/${ticketId}/release`, { token: agent }, 409],
      [
        'PUT',
        '/customers/acme',
        { token: admin, body: { name: 'ACME', domains: ['not a domain'] } },
        400,
        'body.domains.0',
      ],
      ['PUT', '/customers/acme', { token: admin, body: { name: 'ACME', contacts: ['x@'] } }, 400],
      [
        'PUT',
        '/customers/acme',
        {
          token: admin,
          body: {
            name: 'ACME',
            contract: {
              id: 'C1',
              validFrom: '2026-05-01',
              validTo: '2026-04-01',
              includedMinutesPerMonth: 60,
            },
          },
        },
        400,
        'body.contract.validTo',
      ],
      [
        'PUT',
        '/customers/acme',
        {
          token: admin,
          body: {
            name: 'ACME',
            contract: { id: 'C1', validFrom: '2026-02-30', includedMinutesPerMonth: 60 },
          },
        },
        400,
        'body.contract.validFrom',
      ],
      [
        'PUT',
        '/customers/acme',
        {
          token: admin,
          body: {
            name: 'ACME',
            contract: { id: 'C1', validFrom: '2026-01-01', includedMinutesPerMonth: -5 },
          },
        },
        400,
      ],
      [
        'PUT',
        '/customers/..%2F..%2Fetc',
        { token: admin, body: { name: 'x' } },
        400,
        'path.customerId',
      ],
      ['GET', '/customers/nobody', { token: admin }, 404],
      ['DELETE', '/queue', { token: agent }, 405],
      ['GET', '/nowhere', {}, 404],
      ['PUT', '/tickets', {}, 405],
      ['GET', '/tickets?assignee=me', {}, 401],
      ['GET', '/tickets?assignee=everyone', { token: agent }, 400, 'query.assignee'],
    ];
    expect(cases.length).toBeGreaterThanOrEqual(20);
    for (const [method, path, options, status, field] of cases) {
      const response = await api.request(method, path, options);
      const label = `${method} ${path} → ${response.status} ${response.text.slice(0, 200)}`;
      expect(response.status, label).toBe(status);
      expect(response.headers.get('content-type'), label).toContain('application/problem+json');
      expect(response.json, label).toMatchObject({
        status,
        type: expect.any(String),
        title: expect.any(String),
        detail: expect.any(String),
      });
      if (field) {
        const errors = (response.json.errors ?? []) as { field: string }[];
        expect(
          errors.some((e) => e.field.startsWith(field)),
          label,
        ).toBe(true);
      }
    }
    await api.outboxIdle();
    expect(await snapshot()).toEqual(before);
  });

  it('takes prototype names in the query and the headers as names like any other', async () => {
    await api.outboxIdle();
    const before = await snapshot();
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
    const routesToTry: [string, string, string | undefined][] = [
      ['GET', '/health', undefined],
      ['GET', '/queue', agent],
      ['GET', '/tickets', agent],
      ['GET', `/tickets/${ticketId}`, agent],
      ['GET', `/tickets/${ticketId}/attachments`, agent],
      ['GET', '/customers', admin],
      ['GET', '/price-list', agent],
      ['POST', '/queue/claim', undefined],
    ];
    for (const [method, path, token] of routesToTry) {
      for (const name of names) {
        for (const query of [`${name}=1`, `${name}=1&${name}=2`, `${name}[]=x`]) {
          const response = await api.request(method, `${path}?${query}`, {
            ...(token ? { token } : {}),
            headers: { [name]: '1', 'x-ticket-token': name },
          });
          const label = `${method} ${path}?${query} → ${response.status} ${response.text.slice(0, 200)}`;
          expect(response.status, label).toBeLessThan(500);
          if (response.status >= 400) {
            expect(response.headers.get('content-type'), label).toContain(
              'application/problem+json',
            );
          }
        }
      }
    }
    expect((await api.request('GET', '/health?constructor=1')).status).toBe(200);
    await api.outboxIdle();
    expect(await snapshot()).toEqual(before);
  });

  it('names the allowed methods in an Allow header with every 405', async () => {
    const cases: [string, string, string[]][] = [
      ['DELETE', '/queue', ['GET']],
      ['PUT', '/tickets', ['POST', 'GET']],
      ['DELETE', `/tickets/${ticketId}`, ['GET', 'PATCH']],
      ['POST', '/health', ['GET']],
      ['PATCH', '/price-list', ['GET', 'PUT']],
    ];
    for (const [method, path, allowed] of cases) {
      const response = await api.request(method, path, { token: agent });
      expect(response.status, `${method} ${path}`).toBe(405);
      const allow = (response.headers.get('allow') ?? '').split(/,\s*/).sort();
      expect(allow, `${method} ${path}`).toEqual([...allowed].sort());
    }
  });

  it('answers a body over the gateway limit with 413 and keeps serving', async () => {
    const response = await api
      .request('POST', '/tickets', {
        rawBody: 'x'.repeat(11 * 1024 * 1024),
        headers: { 'content-type': 'application/json' },
      })
      .catch(() => undefined);
    // The server may cut the upload short; if it answers, it answers 413.
    if (response) expect(response.status).toBe(413);
    expect((await api.request('GET', '/health')).status).toBe(200);
  });

  it('keeps the customer view free of internal fields', async () => {
    const ticket = await api.submit();
    const read = await api.request('GET', `/tickets/${ticket.ticketId}`, {
      headers: { 'x-ticket-token': ticket.accessToken },
    });
    expect(read.status).toBe(200);
    expect(read.json).not.toHaveProperty('accessTokenHash');
    expect(read.json).not.toHaveProperty('assignee');
    expect(read.json).not.toHaveProperty('version');
    const agentRead = await api.request('GET', `/tickets/${ticket.ticketId}`, { token: agent });
    expect(agentRead.json).not.toHaveProperty('accessTokenHash');
  });
});

function cursorFor(key: Record<string, string>): string {
  return encodeURIComponent(Buffer.from(JSON.stringify(key)).toString('base64url'));
}
