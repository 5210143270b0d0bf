import * as z from 'zod';
import { contracts, namedSchemas, type ResponseContract, type RouteContract } from './contract';
import { routes as routeTable, type Route } from './routes';

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the route table and the
 * contracts (zod schemas): `GET /openapi.json`. Request schemas are described as a caller
 * may send them (zod's input side: defaults optional), responses as the API sends them.
 */

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1). */
export type JsonSchema = Record<string, unknown>;

/** The parts of an OpenAPI 3.1 document this API uses. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, JsonSchema>;
  };
}

/** An OpenAPI operation object. */
export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required: true; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, OpenApiResponse>;
  'x-staff-groups'?: readonly string[];
}

/** An OpenAPI parameter object. */
export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

/** An OpenAPI response object. */
export interface OpenApiResponse {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
  content?: Record<string, { schema: JsonSchema }>;
}

const PROBLEM_TYPE = 'application/problem+json';
const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

const DESCRIPTION = [
  'The HTTP API of the service desk (v1). JSON in and out, times ISO-8601 UTC, money in integer cents (EUR).',
  'Every error is `application/problem+json` (`{type, title, status, detail, errors?}`); `errors` names each offending field (`body.email`, `query.limit`, `path.ticketId`). Bad input is a 4xx and stores nothing.',
  'Bodies over the limit get 413, bodies that are not JSON 415, unknown paths 404, unlisted methods 405.',
  'Staff send `Authorization: Bearer <Cognito ID token>`; its `cognito:groups` claim decides what they may do (the groups each operation accepts are listed in its security requirement and in `x-staff-groups`). Customers send their ticket’s access token as `X-Ticket-Token`.',
].join('\n\n');

const UNDESCRIBED: RouteContract = {
  description: 'Not described yet (no entry in `functions/http/contract.ts`).',
  responses: {},
};

/** Builds the document; pass another route table or contract map to check them. */
export function buildOpenApiDocument(
  routes: readonly Route[] = routeTable,
  routeContracts: Readonly<Record<string, RouteContract>> = contracts,
): OpenApiDocument {
  const schemas = new SchemaConverter();
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    // A route without a contract is still listed, with what the route table says of it
    // (auth, path, errors): a test names it, and its answers fail the integration checks.
    const contract = routeContracts[route.handler] ?? UNDESCRIBED;
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, contract, schemas);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Service desk API', version: '1', description: DESCRIPTION },
    servers: [
      {
        url: '/',
        description:
          'Where this document was fetched from: the site URL in AWS (CloudFront), http://127.0.0.1:3000 locally',
      },
    ],
    tags: [...new Set(routes.map(tagOf))].map((name) => ({ name })),
    paths,
    components: {
      schemas: schemas.components(),
      securitySchemes: {
        staffBearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A Cognito ID token of a staff member (locally from `GET /_local/token?sub=&groups=`). The scopes of a requirement are the staff groups of which the caller must be in one.',
        },
        ticketToken: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Ticket-Token',
          description:
            'The ticket’s access token: `accessToken` of `POST /tickets`, and in the status link of the acknowledgement mail. A wrong token is a 404, like an unknown ticket.',
        },
        portalSession: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'opaque (sdp_…)',
          description:
            'A customer portal session: `sessionToken` of `POST /portal/session`, valid 8 hours. Opaque, not a JWT: it is accepted only by the `/portal/…` routes, and staff tokens are not accepted there.',
        },
      },
    },
  };
}

function operation(route: Route, contract: RouteContract, schemas: SchemaConverter): Operation {
  const parameters = [
    ...pathParameters(route, contract, schemas),
    ...objectParameters(contract.query, 'query', schemas),
    ...Object.entries(contract.headers ?? {}).map(([name, header]): Parameter => ({
      name,
      in: 'header',
      required: header.required ?? false,
      description: header.description,
      schema: schemas.inline(header.schema, 'input'),
    })),
  ];
  const responses: Record<string, OpenApiResponse> = {};
  for (const [status, answer] of Object.entries(contract.responses)) {
    responses[status] = successResponse(answer, schemas);
  }
  for (const [status, when] of Object.entries(problemsOf(route, contract))) {
    responses[status] = problemResponse(when, route.form === true);
  }
  responses['5XX'] = problemResponse('Something failed on our side', false);
  return {
    operationId: camelCase(route.handler),
    summary: route.summary,
    ...(contract.description ? { description: contract.description } : {}),
    tags: [tagOf(route)],
    security: securityOf(route),
    ...(route.groups.length > 0 && route.auth !== 'public'
      ? { 'x-staff-groups': route.groups }
      : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(contract.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: schemas.inline(contract.body, 'input') },
              ...(route.form
                ? {
                    'application/x-www-form-urlencoded': {
                      schema: schemas.inline(contract.body, 'input'),
                    },
                  }
                : {}),
            },
          },
        }
      : {}),
    responses,
  };
}

function pathParameters(
  route: Route,
  contract: RouteContract,
  schemas: SchemaConverter,
): Parameter[] {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
  const described = contract.path ? schemas.inline(contract.path, 'input') : {};
  const properties = (described.properties ?? {}) as Record<string, JsonSchema>;
  return names.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: properties[name] ?? { type: 'string' },
  }));
}

function objectParameters(
  schema: z.ZodObject | undefined,
  where: 'query',
  schemas: SchemaConverter,
): Parameter[] {
  if (!schema) return [];
  const described = schemas.inline(schema, 'input');
  const required = new Set((described.required ?? []) as string[]);
  return Object.entries((described.properties ?? {}) as Record<string, JsonSchema>).map(
    ([name, property]) => {
      const { description, ...rest } = property;
      return {
        name,
        in: where,
        required: required.has(name),
        ...(typeof description === 'string' ? { description } : {}),
        schema: rest,
      };
    },
  );
}

function successResponse(answer: ResponseContract, schemas: SchemaConverter): OpenApiResponse {
  const content: Record<string, { schema: JsonSchema }> = {};
  if (answer.json) {
    const bodies = Array.isArray(answer.json) ? answer.json : [answer.json as z.ZodType];
    const described = bodies.map((body) => schemas.output(body));
    content['application/json'] = {
      schema: described.length === 1 ? (described[0] as JsonSchema) : { oneOf: described },
    };
  }
  for (const [mediaType, what] of Object.entries(answer.other ?? {})) {
    content[mediaType] = { schema: { type: 'string', description: what } };
  }
  return {
    description: answer.description,
    ...(answer.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(answer.headers).map(([name, description]) => [
              name,
              { description, schema: { type: 'string' } },
            ]),
          ),
        }
      : {}),
    ...(Object.keys(content).length > 0 ? { content } : {}),
  };
}

function problemResponse(description: string, form: boolean): OpenApiResponse {
  return {
    description,
    content: {
      [PROBLEM_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } },
      ...(form
        ? { 'text/html': { schema: { type: 'string', description: 'For a form post: a page' } } }
        : {}),
    },
  };
}

/**
 * The errors a route answers: those that follow from its input and auth, then the ones its
 * contract names (which may say more precisely when).
 */
export function problemsOf(route: Route, contract: RouteContract): Record<number, string> {
  const problems: Record<number, string> = {};
  // Every POST, PUT and PATCH goes through the same body parsing (functions/shared), so a
  // route without a body of its own still refuses one that is not JSON, too large or typed
  // otherwise.
  const takesBody = contract.body !== undefined || ['POST', 'PUT', 'PATCH'].includes(route.method);
  if (contract.path || contract.query || contract.body || contract.headers || takesBody) {
    problems[400] = 'Invalid input: `errors` names each offending field';
  }
  if (route.auth === 'staff') problems[401] = 'No bearer token, or not a valid one';
  if (route.auth === 'staff-or-ticket-token') problems[401] = 'A bearer token that is not valid';
  if (route.auth === 'portal') {
    problems[401] = 'No portal session, or one that is unknown, ended or expired';
  }
  if (route.auth !== 'public' && route.groups.length > 0) {
    problems[403] =
      route.groups.length === 1
        ? `The caller is not in the group ${route.groups[0]}`
        : `The caller is in none of the groups ${route.groups.join(', ')}`;
  }
  if (/\{\w+\}/.test(route.path)) problems[404] = 'Not found';
  if (takesBody) {
    problems[413] = `The body is larger than ${route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES} bytes`;
    problems[415] = route.form
      ? 'The body is neither JSON nor a form post'
      : 'The body is not `application/json`';
  }
  problems[429] = route.throttle
    ? `Throttled: more than ${route.throttle.rateLimit} requests per second (burst ${route.throttle.burstLimit}) from all callers`
    : 'Throttled';
  return { ...problems, ...contract.problems };
}

/** Public routes need nothing; the others name the groups a bearer token must carry. */
function securityOf(route: Route): Record<string, string[]>[] {
  switch (route.auth) {
    case 'public':
      return [];
    case 'staff':
      return [{ staffBearer: [...route.groups] }];
    case 'staff-or-ticket-token':
      return [{ ticketToken: [] }, { staffBearer: [...route.groups] }];
    case 'portal':
      return [{ portalSession: [] }];
  }
}

/** The first segment of the path, without an extension: `tickets`, `queue`, `openapi`. */
function tagOf(route: Route): string {
  return (route.path.split('/')[1] ?? '').replace(/\.\w+$/, '');
}

function camelCase(kebab: string): string {
  return kebab.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * zod schemas to JSON Schema: the named response schemas become `components.schemas` and
 * are referred to; every other schema is written where it is used.
 */
class SchemaConverter {
  private readonly names = new Map<z.ZodType, string>(
    Object.entries(namedSchemas).map(([name, schema]) => [schema, name]),
  );
  private readonly used = new Set<string>(['Problem']);

  inline(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const { $schema: _dialect, ...described } = z.toJSONSchema(schema, {
      io,
      // Refinements (a calendar day, unique codes) cannot be said in JSON Schema; the API checks them.
      unrepresentable: 'any',
    });
    return described;
  }

  output(schema: z.ZodType): JsonSchema {
    const name = this.names.get(schema);
    if (name === undefined) return this.inline(schema, 'output');
    this.used.add(name);
    return { $ref: `#/components/schemas/${name}` };
  }

  components(): Record<string, JsonSchema> {
    return Object.fromEntries(
      Object.entries(namedSchemas)
        .filter(([name]) => this.used.has(name))
        .map(([name, schema]) => [name, this.inline(schema, 'output')]),
    );
  }
}
