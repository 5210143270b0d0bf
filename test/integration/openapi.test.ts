import { beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument, type OpenApiDocument } from '../../functions/http/openapi-document';
import { useStack } from './harness';
import { OpenApiConformance } from './openapi-conformance';

/**
 * `GET /openapi.json` serves the document, to anyone; and the check the harness runs on
 * every response of the integration tests finds what does not conform.
 */
describe('the OpenAPI document over HTTP', () => {
  const { api } = useStack();

  it('is served at /openapi.json without a token, as the route table and schemas make it', async () => {
    const response = await api.request('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.json).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
    // Built once per cold start: the same bytes again.
    expect((await api.request('GET', '/openapi.json')).text).toBe(response.text);
  });

  it('refuses other methods on it', async () => {
    expect((await api.request('POST', '/openapi.json', { body: {} })).status).toBe(405);
  });

  describe('the conformance check', () => {
    let check: OpenApiConformance;
    let ticket: Record<string, unknown>;
    beforeAll(async () => {
      const agent = await api.token('alice', ['agents']);
      const { ticketId } = await api.submit();
      const claimed = await api.request('POST', '/queue/claim', { token: agent });
      expect(claimed.json.ticketId).toBe(ticketId);
      ticket = claimed.json;
      check = new OpenApiConformance(
        (await api.request('GET', '/openapi.json')).json as unknown as OpenApiDocument,
      );
    });
    const json = 'application/json; charset=utf-8';
    const claim = (status: number, body: unknown, contentType = json) =>
      check.check('POST', '/queue/claim', {
        status,
        contentType,
        text: body === undefined ? '' : JSON.stringify(body),
      });

    it('passes a real response', () => {
      expect(claim(200, ticket)).toEqual([]);
      expect(claim(204, undefined, '')).toEqual([]);
    });

    it('finds a field that leaked, one that is missing, and one of the wrong type', () => {
      expect(claim(200, { ...ticket, accessTokenHash: 'x' })).toEqual([
        '(body) must NOT have additional properties: accessTokenHash',
      ]);
      const { version: _version, ...withoutVersion } = ticket;
      expect(claim(200, withoutVersion)).toEqual(["(body) must have required property 'version'"]);
      expect(claim(200, { ...ticket, status: 'done' })).toEqual([
        '/status must be equal to one of the allowed values',
      ]);
      expect(claim(200, { ...ticket, receivedAt: 'yesterday' })[0]).toMatch(/^\/receivedAt must/);
    });

    it('finds a status or a media type the document does not list', () => {
      expect(claim(201, ticket)[0]).toMatch(/^status 201 is not among 200,204,/);
      expect(claim(200, 'a,b', 'text/csv')).toEqual([
        '200 with text/csv, which the document lists as application/json',
      ]);
      expect(claim(409, { type: 'urn:x', title: 'Conflict', status: 409, detail: 'x' })[0]).toMatch(
        /^status 409 is not among/,
      );
    });

    it('holds errors to the problem format, also on paths the API does not have', () => {
      const problem = { type: 'urn:x', title: 'Unauthorized', status: 401, detail: 'x' };
      const type = 'application/problem+json';
      expect(claim(401, problem, type)).toEqual([]);
      expect(claim(401, { message: 'Unauthorized' }, type)).toEqual([
        "(body) must have required property 'type'",
        "(body) must have required property 'detail'",
        '(body) must NOT have additional properties: message',
      ]);
      expect(
        check.check('GET', '/nothing/here?x=1', {
          status: 404,
          contentType: type,
          text: JSON.stringify({ ...problem, status: 404, extra: 1 }),
        }),
      ).toEqual(['(body) must NOT have additional properties: extra']);
    });
  });
});
