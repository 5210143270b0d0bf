import middy, { type MiddlewareObj } from '@middy/core';
import type { z } from 'zod';
import { decodeJwt } from 'jose';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import {
  ForbiddenError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../domain/errors';
import type { Principal } from '../domain/principal';
import { routeOf, type Route } from '../http/routes';
import { portalPrincipalOf } from '../app/portal';
import { bearerOf, bearerVerifier } from './bearer-token';
import { dependencies } from './dependencies';
import { staffPrincipal, type TokenExpectations } from './claims';
import { integer, required } from './config';
import { correlate, log } from './log';
import { observability } from './observability';
import { type Problem, problemResponse } from './problem';
import { validate } from './validation';

/** What a route handler gets: the checked caller and the request's parts. */
export interface HttpRequest {
  route: Route;
  principal: Principal;
  /** The parsed JSON body; undefined when there was none. */
  body: unknown;
  /** The body as sent, for checking a signature over it. */
  rawBody?: string;
  /** True when an HTML form was posted (the route allows it): answer with a page. */
  form: boolean;
  path: Record<string, string>;
  query: Record<string, string>;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The caller's network address as API Gateway saw it (for per-client limits only). */
  clientAddress?: string;
}

export interface HttpResult {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, with the content type the headers name (CSV, HTML). */
  text?: string;
  /** Headers to send; undefined values are left out. */
  headers?: Record<string, string | undefined>;
}

/** Largest accepted body; API Gateway itself stops at 10 MB. */
const MAX_BODY_BYTES = integer('MAX_BODY_BYTES', 64 * 1024);

type Event = APIGatewayProxyEvent & { parsed?: HttpRequest };

/**
 * What a handler declares about its request: the schema of each part it reads. Each part
 * is checked (in this order) before the handler runs; a failure is a 400 naming every bad
 * field, after authentication, so a stranger learns nothing about a route's input.
 */
export interface RequestDeclaration {
  path?: z.ZodType;
  query?: z.ZodType;
  /** A request without a body is checked as `{}`, so a missing field is named. */
  body?: z.ZodType;
  /** The `Idempotency-Key` header, checked when it is sent. */
  idempotencyKey?: z.ZodType;
  /**
   * The page a browser gets for an error on a route that takes HTML form posts (the
   * route's `form`); without it, such a post gets problem+json like any other.
   */
  formErrorPage?: (
    problem: Problem,
    form: Record<string, string>,
  ) => { headers: Record<string, string>; text: string };
}

type Checked<T, Otherwise> = T extends z.ZodType ? z.infer<T> : Otherwise;

/** The request as a handler sees it: each declared part replaced by its checked value. */
export type DeclaredRequest<D extends RequestDeclaration> = Omit<
  HttpRequest,
  'path' | 'query' | 'body'
> & {
  path: Checked<D['path'], Record<string, string>>;
  query: Checked<D['query'], Record<string, string>>;
  body: Checked<D['body'], unknown>;
  idempotencyKey?: Checked<D['idempotencyKey'], never>;
};

/**
 * Wraps a route handler in the house middleware: body size limit (413), authentication
 * (401) and group check (403) from the route table, JSON parsing (400/415), the declared
 * parts' schemas (400), and one place that turns errors into `application/problem+json`.
 */
export function httpHandler(
  handlerName: string,
  serve: (request: HttpRequest) => Promise<HttpResult>,
): ReturnType<typeof wrap>;
export function httpHandler<D extends RequestDeclaration>(
  handlerName: string,
  declaration: D,
  serve: (request: DeclaredRequest<D>) => Promise<HttpResult>,
): ReturnType<typeof wrap>;
export function httpHandler<D extends RequestDeclaration>(
  handlerName: string,
  declarationOrServe: D | ((request: HttpRequest) => Promise<HttpResult>),
  serve?: (request: DeclaredRequest<D>) => Promise<HttpResult>,
) {
  if (typeof declarationOrServe === 'function') return wrap(handlerName, {}, declarationOrServe);
  if (!serve) throw new Error(`${handlerName}: no handler given`);
  return wrap(handlerName, declarationOrServe, (request) =>
    serve(checkDeclared(declarationOrServe, request)),
  );
}

function wrap(
  handlerName: string,
  declaration: RequestDeclaration,
  serve: (request: HttpRequest) => Promise<HttpResult>,
) {
  const route = routeOf(handlerName);
  return middy<Event, APIGatewayProxyResult, Error, Context>()
    .use(observability(handlerName))
    .use(correlateRequest())
    .use(problemDetails(route, declaration.formErrorPage))
    .use(parseRequest(route))
    .handler(async (event) => {
      if (!event.parsed) throw new Error('request was not parsed');
      const result = await serve(event.parsed);
      return toResponse(result);
    });
}

function checkDeclared<D extends RequestDeclaration>(
  declaration: D,
  request: HttpRequest,
): DeclaredRequest<D> {
  const key = request.headers['idempotency-key'];
  // The casts name what the schemas just proved; zod cannot carry a generic part's type.
  return {
    ...request,
    path: declaration.path ? validate(declaration.path, request.path, 'path') : request.path,
    query: declaration.query ? validate(declaration.query, request.query, 'query') : request.query,
    body: declaration.body ? validate(declaration.body, request.body ?? {}, 'body') : request.body,
    ...(declaration.idempotencyKey && key !== undefined
      ? { idempotencyKey: validate(declaration.idempotencyKey, key, 'header') }
      : {}),
  } as DeclaredRequest<D>;
}

/**
 * The invocation's correlation id: the ticket the path names, else API Gateway's request
 * id (which its access log and the `x-amzn-requestid` response header carry too).
 */
function correlateRequest(): MiddlewareObj<Event, APIGatewayProxyResult, Error, Context> {
  return {
    before: ({ event }) => {
      correlate(event.pathParameters?.ticketId ?? event.requestContext?.requestId);
    },
  };
}

function parseRequest(route: Route): MiddlewareObj<Event, APIGatewayProxyResult, Error, Context> {
  return {
    before: async ({ event }) => {
      const headers = lowerCaseHeaders(event.headers);
      const raw = bodyText(event, route.maxBodyBytes ?? MAX_BODY_BYTES);
      const principal = await authenticate(route, event, headers);
      const form = isFormPost(route, headers);
      const body =
        raw === undefined
          ? undefined
          : form
            ? Object.fromEntries(new URLSearchParams(raw))
            : parseJson(raw, headers['content-type']);
      event.parsed = {
        route,
        principal,
        body,
        form,
        ...(raw === undefined ? {} : { rawBody: raw }),
        path: definedOnly(event.pathParameters),
        query: definedOnly(event.queryStringParameters),
        headers,
        ...(event.requestContext?.identity?.sourceIp
          ? { clientAddress: event.requestContext.identity.sourceIp }
          : {}),
      };
    },
  };
}

function problemDetails(
  route: Route,
  formErrorPage: RequestDeclaration['formErrorPage'],
): MiddlewareObj<Event, APIGatewayProxyResult, Error, Context> {
  return {
    onError: async (request) => {
      if (!(request.error instanceof Error) || !('status' in request.error)) {
        log('ERROR', 'unhandled error', {
          error: request.error?.name,
          detail: request.error?.message,
          stack: request.error?.stack,
        });
      }
      const problem = problemResponse(request.error);
      const page =
        formErrorPage && isFormPost(route, lowerCaseHeaders(request.event.headers))
          ? formErrorPage(
              JSON.parse(problem.body) as Problem,
              Object.fromEntries(new URLSearchParams(request.event.body ?? '')),
            )
          : undefined;
      request.response = page
        ? { statusCode: problem.statusCode, headers: page.headers, body: page.text }
        : problem;
    },
  };
}

async function authenticate(
  route: Route,
  event: APIGatewayProxyEvent,
  headers: Record<string, string>,
): Promise<Principal> {
  if (route.auth === 'public') return { kind: 'anonymous' };
  if (route.auth === 'portal') {
    const token = bearerOf(headers.authorization);
    if (token === undefined) throw new UnauthorizedError('Sign in to the portal first.');
    return portalPrincipalOf(dependencies(), token);
  }
  let principal: Principal;
  if (route.auth === 'staff') {
    // API Gateway's authorizer has verified the token's signature, issuer and expiry, and
    // passes its claims as strings only. The handler reads the same token's claims as
    // JSON (groups as a list) and checks what the authorizer does not: client, use, exp.
    const verified = event.requestContext?.authorizer?.claims as
      Record<string, unknown> | undefined;
    const token = bearerOf(headers.authorization) ?? headers.authorization;
    if (!verified || !token) throw new UnauthorizedError();
    const claims = decodedClaims(token);
    if (claims.sub !== verified.sub) throw new UnauthorizedError();
    principal = staffPrincipal(claims, tokenExpectations());
  } else {
    const token = bearerOf(headers.authorization);
    if (token === undefined) return { kind: 'anonymous' };
    principal = staffPrincipal(await bearerVerifier().verify(token), tokenExpectations());
  }
  if (principal.kind === 'staff' && !principal.groups.some((g) => route.groups.includes(g))) {
    throw new ForbiddenError(`This needs one of the groups: ${route.groups.join(', ')}.`);
  }
  return principal;
}

/** The claims of a token the authorizer verified; anything unreadable is 401. */
function decodedClaims(token: string): Record<string, unknown> {
  try {
    return decodeJwt(token);
  } catch {
    throw new UnauthorizedError();
  }
}

/** The user pool and app client staff tokens must come from (`JWT_ISSUER`, `JWT_CLIENT_ID`). */
function tokenExpectations(): TokenExpectations {
  return { issuer: required('JWT_ISSUER'), clientId: required('JWT_CLIENT_ID'), now: Date.now() };
}

function isFormPost(route: Route, headers: Record<string, string>): boolean {
  const mediaType = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  return route.form === true && mediaType === 'application/x-www-form-urlencoded';
}

function bodyText(event: APIGatewayProxyEvent, limit: number): string | undefined {
  if (event.body === null || event.body === undefined || event.body === '') return undefined;
  const bytes = event.isBase64Encoded
    ? Buffer.from(event.body, 'base64')
    : Buffer.from(event.body, 'utf8');
  if (bytes.length > limit) throw new PayloadTooLargeError(limit);
  return bytes.toString('utf8');
}

function parseJson(raw: string, contentType: string | undefined): unknown {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json' && !mediaType?.endsWith('+json')) {
    throw new UnsupportedMediaTypeError('Send the body as application/json.');
  }
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new ValidationError(`The body is not valid JSON: ${(error as Error).message}`, [
      { field: 'body', message: 'not valid JSON' },
    ]);
  }
}

/**
 * Header and query names come from the caller, so the maps have no prototype: a name like
 * `constructor` or `__proto__` is a key like any other, never an inherited member.
 */
function lowerCaseHeaders(headers: APIGatewayProxyEvent['headers'] | null): Record<string, string> {
  const result = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) result[name.toLowerCase()] = value;
  }
  return result;
}

function definedOnly(values: Record<string, string | undefined> | null): Record<string, string> {
  const result = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(values ?? {})) {
    if (value !== undefined) result[name] = value;
  }
  return result;
}

function toResponse(result: HttpResult): APIGatewayProxyResult {
  const json = result.text === undefined && result.body !== undefined;
  return {
    statusCode: result.status,
    headers: Object.fromEntries(
      Object.entries({
        ...(json ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        'cache-control': 'no-store',
        ...result.headers,
      }).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ),
    body: result.text ?? (json ? JSON.stringify(result.body) : ''),
  };
}
