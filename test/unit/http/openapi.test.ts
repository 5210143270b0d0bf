import { validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { contracts } from '../../../functions/http/contract';
import {
  buildOpenApiDocument,
  type OpenApiDocument,
  type Operation,
} from '../../../functions/http/openapi-document';
import type * as response from '../../../functions/http/responses';
import { routes, type Route } from '../../../functions/http/routes';
import type {
  agentView,
  customerView,
  heldItem,
  messageView,
  queueItem,
} from '../../../functions/http/views';

const document = buildOpenApiDocument();
const operationOf = (route: Pick<Route, 'method' | 'path'>): Operation | undefined =>
  document.paths[route.path]?.[route.method.toLowerCase()];

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    // The parser resolves references in place: give it a copy.
    const result = await validate(structuredClone(document) as never, {
      validate: { errors: { colorize: false } },
    });
    expect(result.valid ? [] : result.errors.map((e) => e.message)).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.specification).toBe('OpenAPI');
    expect(document.openapi).toBe('3.1.0');
  });

  it('has a contract for every route of the route table, and none for another', () => {
    const missing = routes.filter((route) => !(route.handler in contracts));
    expect(
      missing.map((r) => `${r.method} ${r.path}: add '${r.handler}' to functions/http/contract.ts`),
    ).toEqual([]);
    expect(Object.keys(contracts).sort()).toEqual(routes.map((r) => r.handler).sort());
  });

  it('describes every route of the route table, and nothing else', () => {
    for (const route of routes) {
      expect(operationOf(route), `${route.method} ${route.path}`).toBeDefined();
    }
    const described = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(described.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('describes each path parameter with the schema its handler checks it with', () => {
    for (const route of routes) {
      const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const parameters = (operationOf(route)?.parameters ?? []).filter((p) => p.in === 'path');
      expect(parameters.map((p) => p.name)).toEqual(names);
      const contractPath = contracts[route.handler]?.path;
      expect(Object.keys(contractPath?.shape ?? {}), route.path).toEqual(names);
      for (const parameter of parameters) expect(parameter.schema).toHaveProperty('pattern');
    }
    expect(operationOf({ method: 'GET', path: '/tickets/{ticketId}' })?.parameters?.[0]).toEqual({
      name: 'ticketId',
      in: 'path',
      required: true,
      schema: { type: 'string', pattern: '^T-[1-9]\\d{0,11}$' },
    });
  });

  it('names the auth of each route: public, bearer with the groups, the ticket token, or a portal session', () => {
    for (const route of routes) {
      const operation = operationOf(route) as Operation;
      const expected =
        route.auth === 'public'
          ? []
          : route.auth === 'staff'
            ? [{ staffBearer: route.groups }]
            : route.auth === 'portal'
              ? [{ portalSession: [] }]
              : [{ ticketToken: [] }, { staffBearer: route.groups }];
      expect(operation.security, `${route.method} ${route.path}`).toEqual(expected);
      if (route.auth === 'portal') {
        // Portal routes have no groups: a session either passes or is a 401.
        expect(route.groups).toEqual([]);
        expect(Object.keys(operation.responses)).toContain('401');
        expect(Object.keys(operation.responses)).not.toContain('403');
      } else if (route.auth !== 'public') {
        expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403']));
      }
    }
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual([
      'portalSession',
      'staffBearer',
      'ticketToken',
    ]);
    expect(document.components.securitySchemes.ticketToken).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-Ticket-Token',
    });
  });

  it('answers every error of every route as problem+json, 4xx for what the caller did', () => {
    for (const route of routes) {
      const operation = operationOf(route) as Operation;
      const statuses = Object.keys(operation.responses);
      expect(
        statuses.some((s) => /^2\d\d$/.test(s)),
        route.path,
      ).toBe(true);
      expect(statuses).toContain('429');
      expect(statuses).toContain('5XX');
      for (const status of statuses.filter((s) => /^[45]/.test(s))) {
        expect(operation.responses[status]?.content?.['application/problem+json']).toEqual({
          schema: { $ref: '#/components/schemas/Problem' },
        });
      }
      const contract = contracts[route.handler];
      if (contract?.body) {
        expect(statuses).toEqual(expect.arrayContaining(['400', '413', '415']));
        expect(operation.requestBody?.content['application/json']?.schema).toBeDefined();
      } else {
        expect(operation.requestBody).toBeUndefined();
      }
    }
    expect(document.components.schemas.Problem).toMatchObject({
      required: ['type', 'detail'],
      properties: { title: { type: 'string' }, status: { type: 'integer' } },
    });
  });

  it('says 201 where a route creates, 204 where it answers nothing, and 303 where it redirects', () => {
    const statuses = (method: Route['method'], path: string) =>
      Object.keys(operationOf({ method, path })?.responses ?? {}).filter((s) => /^[23]/.test(s));
    expect(statuses('POST', '/tickets')).toEqual(['201']);
    expect(statuses('POST', '/tickets/{ticketId}/messages')).toEqual(['201']);
    expect(statuses('POST', '/tickets/{ticketId}/work')).toEqual(['200', '201']);
    expect(statuses('PUT', '/customers/{customerId}')).toEqual(['200', '201']);
    expect(statuses('POST', '/queue/claim')).toEqual(['200', '204']);
    expect(statuses('GET', '/tickets/{ticketId}/attachments')).toEqual(['200', '303']);
    expect(statuses('GET', '/exports/billing')).toEqual(['200', '303']);
    const claim = operationOf({ method: 'POST', path: '/queue/claim' });
    expect(claim?.responses['204']?.content).toBeUndefined();
  });

  it('describes request bodies as they may be sent: defaults optional, unknown fields refused', () => {
    const body = operationOf({ method: 'POST', path: '/tickets' })?.requestBody;
    const schema = body?.content['application/json']?.schema;
    expect(schema).toMatchObject({
      type: 'object',
      required: ['name', 'email', 'subject', 'description'],
      additionalProperties: false,
      properties: {
        email: { type: 'string', format: 'email' },
        severity: { default: 'normal', enum: ['critical', 'high', 'normal', 'low'] },
      },
    });
    // The form without JavaScript posts the same fields.
    expect(body?.content['application/x-www-form-urlencoded']?.schema).toEqual(schema);
    const query = operationOf({ method: 'GET', path: '/queue' })?.parameters ?? [];
    expect(query).toEqual([
      {
        name: 'limit',
        in: 'query',
        required: false,
        schema: { type: 'integer', default: 25, minimum: 1, maximum: 100 },
      },
      {
        name: 'cursor',
        in: 'query',
        required: false,
        schema: { type: 'string', minLength: 1, maxLength: 2048 },
      },
    ]);
    const voicemail = operationOf({ method: 'POST', path: '/intake/voicemail' })?.parameters;
    expect(voicemail?.filter((p) => p.in === 'header' && p.required).map((p) => p.name)).toEqual([
      'X-Servicedesk-Timestamp',
      'X-Servicedesk-Signature',
    ]);
  });

  it('names the shared response schemas once and refers to them', () => {
    const text = JSON.stringify(document.paths);
    for (const name of Object.keys(document.components.schemas)) {
      expect(text.includes(`"#/components/schemas/${name}"`), name).toBe(true);
    }
    expect(document.components.schemas.AgentTicket).toMatchObject({
      additionalProperties: false,
      required: expect.arrayContaining(['ticketId', 'status', 'customer', 'version']),
    });
    expect(JSON.stringify(document.components.schemas)).not.toContain('accessTokenHash');
  });

  it('still lists a route without a contract, by what the route table says of it', () => {
    const route: Route = {
      method: 'POST',
      path: '/tickets/{ticketId}/confirm',
      handler: 'confirm-ticket',
      auth: 'staff-or-ticket-token',
      groups: ['agents'],
      table: 'readwrite',
      summary: 'New',
    };
    const listed = buildOpenApiDocument([route], {}).paths[route.path]?.post;
    expect(listed).toMatchObject({
      operationId: 'confirmTicket',
      description: expect.stringContaining('functions/http/contract.ts'),
      security: [{ ticketToken: [] }, { staffBearer: ['agents'] }],
      parameters: [{ name: 'ticketId', in: 'path', required: true, schema: { type: 'string' } }],
    });
    // No success is described, so the integration tests' check refuses its answers; a POST
    // goes through the shared body parsing, so its refusals of a bad body are listed.
    expect(Object.keys(listed?.responses ?? {})).toEqual([
      '400',
      '401',
      '403',
      '404',
      '413',
      '415',
      '429',
      '5XX',
    ]);
  });

  it('is plain JSON: serializing and parsing it gives it back', () => {
    const copy = JSON.parse(JSON.stringify(document)) as OpenApiDocument;
    expect(copy).toEqual(document);
  });
});

/**
 * The views that build the responses fit the response schemas (checked by the compiler:
 * a field renamed or retyped in a view, or missing from it, does not compile). Fields a
 * view adds beyond its schema are caught at run time by the integration tests' check of
 * every response against the document.
 */
describe('the views and the response schemas', () => {
  it('type-checks each view against its schema', () => {
    type Fits<Schema extends z.ZodType, View> = View extends z.input<Schema> ? true : false;
    const checks: [
      Fits<typeof response.customerTicket, ReturnType<typeof customerView>>,
      Fits<typeof response.agentTicketWithHistory, Required<ReturnType<typeof agentView>>>,
      Fits<typeof response.agentTicket, ReturnType<typeof agentView>>,
      Fits<typeof response.queuePage, { items: ReturnType<typeof queueItem>[]; nextCursor: null }>,
      Fits<
        typeof response.heldTicketsPage,
        { items: ReturnType<typeof heldItem>[]; nextCursor: string }
      >,
      Fits<
        typeof response.postedMessage,
        ReturnType<typeof messageView> & { ticketStatus: 'open' }
      >,
    ] = [true, true, true, true, true, true];
    expect(checks.every(Boolean)).toBe(true);
  });
});
