import type { APIGatewayProxyResult } from 'aws-lambda';
import { type FieldError, MethodNotAllowedError, ServiceDeskError } from '../domain/errors';

/** RFC 9457 problem details, as every error of the API is answered. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Turns any error into a problem response; only exposed errors show their message. */
export function problemResponse(error: unknown): APIGatewayProxyResult {
  const problem: Problem =
    error instanceof ServiceDeskError && error.expose
      ? {
          type: `urn:servicedesk:problem:${error.slug}`,
          title: error.title,
          status: error.status,
          detail: error.message,
          ...(error.errors ? { errors: error.errors } : {}),
        }
      : {
          type: 'urn:servicedesk:problem:internal-error',
          title: 'Internal error',
          status: 500,
          detail: 'Something went wrong on our side. Nothing you sent was at fault.',
        };
  return {
    statusCode: problem.status,
    headers: {
      'content-type': PROBLEM_CONTENT_TYPE,
      'cache-control': 'no-store',
      // RFC 9110: a 405 names the methods the resource takes.
      ...(error instanceof MethodNotAllowedError && error.allowed.length > 0
        ? { allow: error.allowed.join(', ') }
        : {}),
    },
    body: JSON.stringify(problem),
  };
}
