/**
 * A hook through which AWS SDK clients are made as they are built (`dependencies.ts`,
 * `adapters/dynamodb.ts`, the queue handler's SQS client): by default the client itself;
 * a function that imports `tracing.ts` (queue consumers and scheduled jobs) installs
 * Powertools Tracer's capture, so its SDK calls show as X-Ray subsegments. Kept apart from
 * the tracer so that a function without tracing bundles none of the X-Ray SDK.
 */
export type ClientInstrumentation = <T extends object>(client: T) => T;

let instrumentation: ClientInstrumentation = (client) => client;

/** Installs how clients built from now on are instrumented. */
export function instrumentClientsWith(next: ClientInstrumentation): void {
  instrumentation = next;
}

/** The client, instrumented as installed (unchanged by default). */
export function instrumented<T extends object>(client: T): T {
  return instrumentation(client);
}
