/**
 * Errors that mean something to a caller. Each carries the HTTP status it maps to and
 * whether its message may be shown (`expose`); only errors below 500 are ever exposed,
 * so a bug never leaks internals. One middleware turns them into problem+json.
 */
export interface FieldError {
  /** Dotted path of the offending field, e.g. `body.severity` or `query.limit`. */
  field: string;
  message: string;
}

export class ServiceDeskError extends Error {
  override name = 'ServiceDeskError';
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
  }
  /** Whether the message may be shown to the caller. */
  get expose(): boolean {
    return this.status < 500;
  }
  /** A stable slug for the problem `type`, derived from the title. */
  get slug(): string {
    return this.title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  }
}

export class ValidationError extends ServiceDeskError {
  override name = 'ValidationError';
  constructor(message: string, errors?: FieldError[]) {
    super(400, 'Invalid request', message, errors);
  }
}

export class UnauthorizedError extends ServiceDeskError {
  override name = 'UnauthorizedError';
  constructor(message = 'A valid bearer token is required.') {
    super(401, 'Unauthorized', message);
  }
}

export class ForbiddenError extends ServiceDeskError {
  override name = 'ForbiddenError';
  constructor(message = 'You are not allowed to do this.') {
    super(403, 'Forbidden', message);
  }
}

export class NotFoundError extends ServiceDeskError {
  override name = 'NotFoundError';
  constructor(message: string) {
    super(404, 'Not found', message);
  }
}

export class MethodNotAllowedError extends ServiceDeskError {
  override name = 'MethodNotAllowedError';
  /** @param allowed the methods the resource does take, for the `Allow` header (RFC 9110). */
  constructor(
    message: string,
    readonly allowed: readonly string[] = [],
  ) {
    super(405, 'Method not allowed', message);
  }
}

export class ConflictError extends ServiceDeskError {
  override name = 'ConflictError';
  constructor(message: string) {
    super(409, 'Conflict', message);
  }
}

export class PayloadTooLargeError extends ServiceDeskError {
  override name = 'PayloadTooLargeError';
  constructor(limitBytes: number) {
    super(413, 'Payload too large', `The request body is larger than ${limitBytes} bytes.`);
  }
}

export class UnsupportedMediaTypeError extends ServiceDeskError {
  override name = 'UnsupportedMediaTypeError';
  constructor(message: string) {
    super(415, 'Unsupported media type', message);
  }
}

export class UnprocessableError extends ServiceDeskError {
  override name = 'UnprocessableError';
  constructor(message: string) {
    super(422, 'Unprocessable request', message);
  }
}

export class TooManyRequestsError extends ServiceDeskError {
  override name = 'TooManyRequestsError';
  constructor(message: string) {
    super(429, 'Too many requests', message);
  }
}
