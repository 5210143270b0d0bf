import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildSite, securityHeaders, type SiteFile } from '../../web/build';
import type { SiteConfig } from '../../web/src/lib/site-config';

/**
 * Serves the web pages (`web/`) beside the API on the same origin, as CloudFront does in
 * AWS. The pages are built with esbuild into memory once at start; a GET or HEAD of a
 * page or asset is answered here, every other path goes to the API.
 */
export interface PageServer {
  /** Whether a GET of this path is a page or asset rather than an API route. */
  serves(pathname: string): boolean;
  serve(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void>;
}

/** Locally staff sign in with tokens from the local stack's `/_local/token`. */
const LOCAL_CONFIG: SiteConfig = { auth: 'local' };

/** Folders served as `folder/` → `folder/index.html`; `/en` goes to `/en/`. */
function resolvePath(pathname: string): string {
  return pathname.endsWith('/') ? `${pathname}index.html` : pathname;
}

export async function createPageServer(_options: { dataDir: string }): Promise<PageServer> {
  const files = await buildSite({ config: LOCAL_CONFIG });
  const headers = securityHeaders(LOCAL_CONFIG);
  const folders = new Set(
    [...files.keys()]
      .filter((path) => path.endsWith('/index.html'))
      .map((path) => path.slice(0, -'/index.html'.length))
      .filter(Boolean),
  );

  return {
    serves: (pathname) => files.has(resolvePath(pathname)) || folders.has(pathname),
    serve: async (request, response, url) => {
      if (folders.has(url.pathname)) {
        response.writeHead(301, { ...headers, location: `${url.pathname}/${url.search}` });
        response.end();
        return;
      }
      const file = files.get(resolvePath(url.pathname)) as SiteFile;
      const common = {
        ...headers,
        'content-type': file.contentType,
        etag: file.etag,
        // Names are stable (no content hash), so every use revalidates; a 304 is cheap.
        'cache-control': 'no-cache',
      };
      if (request.headers['if-none-match'] === file.etag) {
        response.writeHead(304, common);
        response.end();
        return;
      }
      response.writeHead(200, { ...common, 'content-length': String(file.body.length) });
      response.end(request.method === 'HEAD' ? undefined : file.body);
    },
  };
}
