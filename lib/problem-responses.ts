import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { pascalCase } from './function-entry';

/**
 * Errors that API Gateway answers itself (authorizer, throttling) in the API's error
 * format, `application/problem+json` (SPEC §6), instead of `{"message": …}`.
 */
const RESPONSES: readonly {
  type: apigateway.ResponseType;
  /** Status and its phrase; the catch-all responses keep whichever status API Gateway chose. */
  status?: { code: number; title: string };
}[] = [
  { type: apigateway.ResponseType.UNAUTHORIZED, status: { code: 401, title: 'Unauthorized' } },
  { type: apigateway.ResponseType.ACCESS_DENIED, status: { code: 403, title: 'Forbidden' } },
  { type: apigateway.ResponseType.THROTTLED, status: { code: 429, title: 'Too Many Requests' } },
  { type: apigateway.ResponseType.DEFAULT_4XX },
  { type: apigateway.ResponseType.DEFAULT_5XX },
];

/** Adds the gateway responses that make API Gateway's own errors problem details. */
export function addProblemResponses(api: apigateway.RestApi): void {
  for (const { type, status } of RESPONSES) {
    const body = {
      type: 'about:blank',
      ...(status === undefined ? {} : { title: status.title, status: status.code }),
    };
    // $context.error.messageString is already a quoted JSON string.
    const template = `${JSON.stringify(body).slice(0, -1)},"detail":$context.error.messageString}`;
    api.addGatewayResponse(`${pascalCase(type.responseType.toLowerCase())}Response`, {
      type,
      ...(status === undefined ? {} : { statusCode: String(status.code) }),
      responseHeaders: { 'Content-Type': "'application/problem+json'" },
      templates: { 'application/json': template },
    });
  }
}
