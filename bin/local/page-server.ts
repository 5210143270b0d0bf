import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Serves the web pages (`web/`) beside the API on the same origin, as CloudFront does in
 * AWS. Placeholder until the pages land: it serves nothing, so every path goes to the API.
 */
export interface PageServer {
  /** Whether a GET of this path is a page or asset rather than an API route. */
  serves(pathname: string): boolean;
  serve(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void>;
}

export async function createPageServer(_options: { dataDir: string }): Promise<PageServer> {
  return {
    serves: () => false,
    serve: async (_request, response) => {
      response.writeHead(404).end();
    },
  };
}
