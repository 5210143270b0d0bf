import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import {
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  type ServiceDeskError,
  UnauthorizedError,
} from '../../functions/domain/errors';
import { type Route, routes } from '../../functions/http/routes';
import { bearerOf, type BearerVerifier } from '../../functions/shared/bearer-token';
import { problemResponse } from '../../functions/shared/problem';

/** API Gateway's own payload limit; the handlers enforce their smaller one. */
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
const FUNCTIONS_DIR = join(import.meta.dirname, '..', '..', 'functions', 'http');

type LambdaHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

/**
 * Plays API Gateway for the local stack: matches the request against the shared route
 * table, plays the Cognito authorizer on `staff` routes (401 before the function runs, the
 * claims passed as strings just as a REST API passes them), builds a REST API proxy event
 * and calls the very handler the CDK stack deploys.
 */
export function createApiGateway(verifier: BearerVerifier) {
  const modules = new Map<string, Promise<LambdaHandler>>();
  const load = (handler: string) => {
    let loaded = modules.get(handler);
    if (!loaded) {
      const url = pathToFileURL(join(FUNCTIONS_DIR, `${handler}.ts`)).href;
      loaded = import(url).then((module: { handler: LambdaHandler }) => module.handler);
      modules.set(handler, loaded);
    }
    return loaded;
  };

  return async function serve(request: IncomingMessage, response: ServerResponse, url: URL) {
    const started = Date.now();
    try {
      const { route, pathParameters } = resolve(request.method ?? 'GET', url.pathname);
      const body = await readBody(request);
      const claims = route.auth === 'staff' ? await authorize(verifier, request) : undefined;
      const event = toEvent(request, url, route, pathParameters, body, claims);
      const result = await (await load(route.handler))(event, lambdaContext(route));
      send(response, result);
    } catch (error) {
      if (!isExposed(error)) console.error(error);
      // A body cut short leaves unread bytes on the socket: this connection cannot be reused.
      if (!request.complete) response.setHeader('connection', 'close');
      send(response, problemResponse(error));
    } finally {
      if (process.env.LOCAL_ACCESS_LOG) {
        console.log(
          `${request.method} ${url.pathname} ${response.statusCode} ${Date.now() - started}ms`,
        );
      }
    }
  };
}

function resolve(
  method: string,
  path: string,
): { route: Route; pathParameters: Record<string, string> } {
  const matching = routes
    .map((route) => ({ route, pathParameters: matchPath(route.path, path) }))
    .filter(
      (m): m is { route: Route; pathParameters: Record<string, string> } => !!m.pathParameters,
    );
  if (matching.length === 0) throw new NotFoundError(`No resource at ${path}.`);
  const match = matching.find((m) => m.route.method === method);
  if (!match) {
    const allowed = matching.map((m) => m.route.method);
    throw new MethodNotAllowedError(
      `${method} is not allowed on ${path}; use ${allowed.join(', ')}.`,
      allowed,
    );
  }
  return match;
}

async function authorize(verifier: BearerVerifier, request: IncomingMessage) {
  const token = bearerOf(request.headers.authorization);
  if (!token) throw new UnauthorizedError();
  const payload = await verifier.verify(token);
  // A REST API's Cognito authorizer hands every claim over as a string.
  const claims = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(payload)) {
    claims[name] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return claims;
}

async function readBody(request: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BODY_BYTES) throw new PayloadTooLargeError(GATEWAY_MAX_BODY_BYTES);
    chunks.push(chunk as Buffer);
  }
  return size === 0 ? null : Buffer.concat(chunks).toString('utf8');
}

function toEvent(
  request: IncomingMessage,
  url: URL,
  route: Route,
  pathParameters: Record<string, string>,
  body: string | null,
  claims: Record<string, string> | undefined,
): APIGatewayProxyEvent {
  // Names come from the caller: objects without a prototype, so `constructor`, `__proto__`
  // or `toString` are names like any other (as in the JSON event API Gateway sends).
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  const multiValueHeaders = Object.create(null) as Record<string, string[]>;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[name] = values.join(',');
    multiValueHeaders[name] = values;
  }
  const query = Object.create(null) as Record<string, string>;
  const multiQuery = Object.create(null) as Record<string, string[]>;
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    const values = Object.hasOwn(multiQuery, name) ? multiQuery[name] : undefined;
    if (values) values.push(value);
    else multiQuery[name] = [value];
  }
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: route.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      authorizer: claims ? { claims } : null,
      protocol: 'HTTP/1.1',
      httpMethod: route.method,
      path: url.pathname,
      stage: 'local',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: route.handler,
      resourcePath: route.path,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        user: null,
        userAgent: request.headers['user-agent'] ?? null,
        userArn: null,
      },
    },
  };
}

function lambdaContext(route: Route): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `local-${route.handler}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:local-${route.handler}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/local/${route.handler}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function send(response: ServerResponse, result: APIGatewayProxyResult): void {
  if (response.headersSent) return;
  response.writeHead(result.statusCode, headersOf(result));
  response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}

function headersOf(result: APIGatewayProxyResult): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  return headers;
}

function isExposed(error: unknown): error is ServiceDeskError {
  return error instanceof Error && 'expose' in error && (error as ServiceDeskError).expose;
}

/** Matches a request path against a route path; resolves the path parameters on a match. */
export function matchPath(
  routePath: string,
  requestPath: string,
): Record<string, string> | undefined {
  const expected = routePath.split('/');
  const actual = requestPath.split('/');
  if (expected.length !== actual.length) return undefined;
  const parameters: Record<string, string> = {};
  for (let i = 0; i < expected.length; i++) {
    const part = expected[i] ?? '';
    const value = actual[i] ?? '';
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name) {
      if (value === '') return undefined;
      try {
        parameters[name] = decodeURIComponent(value);
      } catch {
        return undefined;
      }
    } else if (part !== value) return undefined;
  }
  return parameters;
}
