import { httpHandler } from '../shared/http-handler';
import { buildOpenApiDocument } from './openapi-document';

let document: string | undefined;

/**
 * `GET /openapi.json` (anyone): the OpenAPI 3.1 document of the API, built once per cold
 * start from the route table and the schemas.
 */
export const handler = httpHandler('openapi', async () => {
  document ??= JSON.stringify(buildOpenApiDocument());
  return {
    status: 200,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'public, max-age=300',
      // A public document: API tools on other origins (editors, generators) may read it.
      'access-control-allow-origin': '*',
    },
    text: document,
  };
});
