import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { build } from 'esbuild';
import { LOCALES, messages, type Locale, type MessageKey } from './src/i18n/messages';
import type { SiteConfig } from './src/lib/site-config';

/**
 * Builds the web pages into memory: the scripts of `src/pages/` bundled by esbuild into
 * `/assets/`, the page templates of `pages/` rendered once per language, the files of
 * `static/`, and `/config.json`. The local page server serves the result; a deployment
 * uploads the same files to the site bucket.
 */
export interface SiteFile {
  body: Buffer;
  contentType: string;
  /** Strong validator for conditional requests. */
  etag: string;
}

export interface SiteOptions {
  /** How staff sign in; written to `/config.json`. */
  config: SiteConfig;
  /** @default true */
  minify?: boolean;
}

const WEB_DIR = import.meta.dirname;

/**
 * The pages and the languages each is rendered in. The support form is static in both
 * languages (it works without JavaScript); the status page needs JavaScript anyway and
 * picks its language at run time; the staff pages are English.
 */
const PAGES: { template: string; paths: Partial<Record<Locale, string>> }[] = [
  { template: 'index.html', paths: { de: '/index.html', en: '/en/index.html' } },
  { template: 'status.html', paths: { de: '/status.html' } },
  { template: 'portal.html', paths: { de: '/portal.html' } },
  { template: 'console.html', paths: { en: '/console.html' } },
  { template: 'finance.html', paths: { en: '/finance.html' } },
  { template: 'admin.html', paths: { en: '/admin.html' } },
  // German and English at run time (its own words: web/src/i18n/sales.ts).
  { template: 'sales.html', paths: { en: '/sales.html' } },
];

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

export async function buildSite(options: SiteOptions): Promise<Map<string, SiteFile>> {
  const files = new Map<string, SiteFile>();
  const add = (path: string, body: Buffer | string) => {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    files.set(path, {
      body: bytes,
      contentType: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`,
    });
  };

  const scriptsDir = join(WEB_DIR, 'src', 'pages');
  const entryPoints = (await readdir(scriptsDir))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(scriptsDir, name));
  const outdir = join(WEB_DIR, 'assets');
  const bundle = await build({
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    charset: 'utf8',
    minify: options.minify ?? true,
    sourcemap: 'linked',
    write: false,
    logLevel: 'silent',
    tsconfig: join(WEB_DIR, 'tsconfig.json'),
  });
  for (const output of bundle.outputFiles) {
    add(
      `/assets/${relative(outdir, output.path).split('\\').join('/')}`,
      Buffer.from(output.contents),
    );
  }

  for (const page of PAGES) {
    const template = await withPartials(
      await readFile(join(WEB_DIR, 'pages', page.template), 'utf8'),
    );
    for (const [locale, path] of Object.entries(page.paths) as [Locale, string][]) {
      add(path, renderTemplate(template, locale, page.template));
    }
  }

  const staticDir = join(WEB_DIR, 'static');
  for (const name of await readdir(staticDir)) {
    add(`/${name}`, await readFile(join(staticDir, name)));
  }
  add('/config.json', `${JSON.stringify(options.config, null, 2)}\n`);
  return files;
}

/**
 * Replaces `{{include:name}}` with `pages/partials/name.html` (shared page parts). A partial
 * may take values: `{{include:page-head title="Sales" script="sales"}}` fills `{{$title}}`
 * and `{{$script}}` in it (a value may hold `{{key}}` messages; a missing one fails the build).
 */
async function withPartials(template: string): Promise<string> {
  const includes = [...template.matchAll(/\{\{include:([\w-]+)((?:\s+\w+="[^"]*")*)\s*\}\}/g)];
  let result = template;
  for (const [whole, name, given = ''] of includes) {
    const values = Object.fromEntries(
      [...given.matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]),
    );
    const partial = await readFile(join(WEB_DIR, 'pages', 'partials', `${name}.html`), 'utf8');
    const filled = partial.trim().replace(/\{\{\$(\w+)\}\}/g, (_placeholder, key: string) => {
      const value = values[key];
      if (value === undefined) throw new Error(`${whole} gives no ${key} for the partial`);
      return value;
    });
    result = result.split(whole).join(filled);
  }
  return result;
}

/**
 * Fills `{{key}}` with the HTML-escaped message in that language (`{{en:key}}`: always in
 * English, for text shown in both languages); `{{locale}}` and
 * `{{current.de}}`/`{{current.en}}` (`page` for the page's own language, else
 * `false`: values of `aria-current`) are the only other names. An unknown name fails the build.
 */
export function renderTemplate(template: string, locale: Locale, name = 'template'): string {
  const special: Record<string, string> = { locale };
  for (const other of LOCALES) {
    special[`current.${other}`] = other === locale ? 'page' : 'false';
  }
  return template.replace(/\{\{\s*(?:(de|en):)?([\w.]+)\s*\}\}/g, (_whole, fixed, key: string) => {
    if (key in special && !fixed) return special[key] as string;
    const language = (fixed as Locale | undefined) ?? locale;
    if (key in messages[language]) return escapeHtml(messages[language][key as MessageKey]);
    throw new Error(`${name}: unknown placeholder {{${key}}}`);
  });
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * The security headers every page and asset is sent with (CloudFront's response headers
 * policy sets the same in AWS). No inline scripts or styles anywhere, so the policy needs
 * no `'unsafe-inline'`; with Cognito sign-in the pages also talk to the hosted UI's token
 * endpoint.
 */
export function securityHeaders(config: SiteConfig): Record<string, string> {
  const connect =
    config.auth === 'cognito' ? `'self' ${new URL(config.cognito.domain).origin}` : "'self'";
  return {
    'content-security-policy': [
      "default-src 'self'",
      `connect-src ${connect}`,
      "base-uri 'none'",
      "object-src 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
}
