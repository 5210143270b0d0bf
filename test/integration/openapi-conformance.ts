import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { OpenApiDocument, OpenApiResponse } from '../../functions/http/openapi-document';
import { routes } from '../../functions/http/routes';
import { matchPath } from '../../bin/local/api-gateway';

/**
 * Checks real responses against the OpenAPI document the API serves: the status must be
 * one the operation lists, the media type one that status lists, and a JSON body must
 * match its schema. The test harness runs every response of the integration tests
 * through it, so the document cannot drift from what the API does.
 */
export class OpenApiConformance {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema(document, 'openapi');
  }

  /** What is wrong with the response; empty when it conforms. */
  check(
    method: string,
    url: string,
    response: { status: number; contentType: string | null; text: string },
  ): string[] {
    const path = new URL(url, 'http://api').pathname;
    const route = routes.find((r) => r.method === method && matchPath(r.path, path));
    const mediaType = response.contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!route) {
      // Unknown paths and unlisted methods (404, 405): only the problem format is promised.
      return mediaType === 'application/problem+json'
        ? this.validate('#/components/schemas/Problem', response.text)
        : [];
    }
    const operation = this.document.paths[route.path]?.[method.toLowerCase()];
    if (!operation) return [`${method} ${route.path} is not in the document`];
    const statusKey = [String(response.status), `${String(response.status)[0]}XX`].find(
      (key) => key in operation.responses,
    );
    if (!statusKey) {
      return [`status ${response.status} is not among ${Object.keys(operation.responses)}`];
    }
    const described = operation.responses[statusKey] as OpenApiResponse;
    if (response.text === '') return [];
    if (!described.content?.[mediaType]) {
      return [
        `${response.status} with ${mediaType || 'no content type'}, which the document lists as ${Object.keys(described.content ?? {}).join(', ') || 'no body'}`,
      ];
    }
    if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) return [];
    const pointer = ['paths', route.path, method.toLowerCase(), 'responses', statusKey]
      .concat(['content', mediaType, 'schema'])
      .map((token) => encodeURIComponent(token.replaceAll('~', '~0').replaceAll('/', '~1')))
      .join('/');
    return this.validate(`#/${pointer}`, response.text);
  }

  private validate(pointer: string, text: string): string[] {
    let validator = this.validators.get(pointer);
    if (!validator) {
      validator = this.ajv.compile({ $ref: `openapi${pointer}` });
      this.validators.set(pointer, validator);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return ['the body is not JSON'];
    }
    if (validator(body)) return [];
    return (validator.errors ?? []).map(
      (error) =>
        `${error.instancePath || '(body)'} ${error.message ?? ''}${
          error.keyword === 'additionalProperties'
            ? `: ${String((error.params as { additionalProperty?: string }).additionalProperty)}`
            : ''
        }`,
    );
  }
}
