import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { useStack } from './harness';

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('staff authentication and groups', () => {
  const { api, tokens } = useStack({ agent: { sub: 'alice', groups: ['agents'] } });
  let ticketId: string;

  beforeAll(async () => {
    ticketId = (await api.submit()).ticketId;
  });

  const expectProblem = (response: { status: number; headers: Headers }, status: number) => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  };

  it('accepts a token of the local issuer with the right group', async () => {
    expect((await api.request('GET', '/queue', { token: tokens.agent })).status).toBe(200);
  });

  it('answers 401 without a token, on every staff route', async () => {
    for (const [method, path] of [
      ['GET', '/queue'],
      ['POST', '/queue/claim'],
      ['PATCH', `/tickets/${ticketId}`],
      ['POST', `/tickets/${ticketId}/release`],
      ['GET', '/customers/acme'],
      ['PUT', '/customers/acme'],
    ] as const) {
      expectProblem(await api.request(method, path), 401);
    }
  });

  it('answers 401 to forged, tampered, alg:none, expired, foreign-issuer and garbage tokens', async () => {
    const [header, payload, signature] = tokens.agent.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;

    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const forged = await new SignJWT({ ...claims })
      .setProtectedHeader({
        alg: 'RS256',
        kid: JSON.parse(Buffer.from(header, 'base64url').toString()).kid,
      })
      .sign(privateKey);
    const tampered = `${header}.${base64url({ ...claims, 'cognito:groups': ['admins'] })}.${signature}`;
    const algNone = `${base64url({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    const hs256 = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(JSON.stringify(await exportJWK(privateKey))));
    const expired = await api.signWithLocalKey({ lifetimeSeconds: -60 });
    const foreignIssuer = await api.signWithLocalKey({ issuer: 'https://issuer.invalid/other' });

    for (const token of [
      forged,
      tampered,
      algNone,
      hs256,
      expired,
      foreignIssuer,
      'not.a.jwt',
      'x',
    ]) {
      expectProblem(await api.request('GET', '/queue', { token }), 401);
      expectProblem(await api.request('GET', `/tickets/${ticketId}`, { token }), 401);
    }
    expectProblem(
      await api.request('GET', '/queue', { headers: { authorization: `Basic ${tokens.agent}` } }),
      401,
    );
  });

  it("answers 403 to a valid token without the route's group", async () => {
    const finance = await api.token('fiona', ['finance']);
    const admin = await api.token('root', ['admins']);
    expectProblem(await api.request('GET', '/queue', { token: finance }), 403);
    expectProblem(await api.request('POST', '/queue/claim', { token: admin }), 403);
    expectProblem(await api.request('GET', '/customers/acme', { token: tokens.agent }), 403);
    expectProblem(await api.request('GET', `/tickets/${ticketId}`, { token: finance }), 403);
    // Nothing was claimed by the refused calls.
    expect((await api.queue(tokens.agent)).map((t) => t.ticketId)).toContain(ticketId);
  });

  it('issues local tokens only for known groups and sane names', async () => {
    expect((await api.request('GET', '/_local/token?sub=alice&groups=agents,finance')).status).toBe(
      200,
    );
    expect((await api.request('GET', '/_local/token?sub=alice&groups=root')).status).toBe(400);
    expect((await api.request('GET', '/_local/token?groups=agents')).status).toBe(400);
    expect((await api.request('GET', '/_local/token?sub=a%20b&groups=agents')).status).toBe(400);
  });
});
