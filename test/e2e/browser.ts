import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, normalize, sep } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

/**
 * A Chromium driven by playwright-core (`npx playwright install` is never used: browsers
 * cannot be downloaded here). The system's Chromium when there is one (Debian's package);
 * else the one `@sparticuz/chromium` ships inside its npm package, so that `npm install &&
 * npm test` passes on a fresh machine. Each browser gets a fresh profile folder that is
 * deleted on close.
 */
export const SCREENSHOT_DIR = join(import.meta.dirname, '..', '..', 'test-results', 'e2e');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The system's Chromium, or undefined when there is none: `CHROMIUM_PATH` when set (a path
 * that does not exist means none, so pointing it at a missing path tests the fallback),
 * else `chromium` on the PATH, else `/usr/bin/chromium`.
 */
export function systemChromium(
  env: Readonly<Record<string, string | undefined>> = process.env,
  exists: (path: string) => boolean = existsSync,
): string | undefined {
  const chosen = env.CHROMIUM_PATH;
  if (chosen) return exists(chosen) ? chosen : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'chromium');
    if (exists(candidate)) return candidate;
  }
  return exists('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

/** How to start the browser: its executable and, for the bundled one, its environment. */
export interface ChromiumLaunch {
  executablePath: string;
  source: 'system' | 'bundled';
  /** The environment the browser needs (the bundled one's own libraries). */
  env?: Record<string, string>;
}

let bundled: Promise<ChromiumLaunch> | undefined;

/** The system's Chromium, else the bundled one (unpacked once per process). */
export async function chromiumLaunch(): Promise<ChromiumLaunch> {
  const system = systemChromium();
  if (system) return { executablePath: system, source: 'system' };
  bundled ??= bundledChromium();
  return bundled;
}

/**
 * `@sparticuz/chromium` unpacks its browser (with fonts and a software renderer) to the
 * temporary folder. Off Lambda it leaves out the NSS libraries it ships for Amazon Linux,
 * expecting the system's, which a machine without a Chromium package lacks (libnss3):
 * they are unpacked beside it and put on the browser's library path.
 */
async function bundledChromium(): Promise<ChromiumLaunch> {
  const { default: Chromium } = await import('@sparticuz/chromium');
  const executablePath = await Chromium.executablePath();
  const packageRoot = join(
    dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')),
    '..',
    '..',
  );
  const { version } = JSON.parse(await readFile(join(packageRoot, 'package.json'), 'utf8')) as {
    version: string;
  };
  // Per version: the libraries of an older package may not fit its successor's browser.
  const libraries = join(tmpdir(), `servicedesk-chromium-libs-${version}`);
  if (!existsSync(libraries)) {
    const archive = join(packageRoot, 'bin', 'al2023.tar.br');
    // Unpacked to a folder of its own first: a run cut short leaves no half-written library.
    const staging = mkdtempSync(`${libraries}-`);
    untar(brotliDecompressSync(await readFile(archive)), staging);
    try {
      renameSync(join(staging, 'lib'), libraries);
    } catch (error) {
      // Another process unpacked the same libraries first.
      if (!existsSync(libraries)) throw error;
    }
    rmSync(staging, { recursive: true, force: true });
  }
  const inherited = process.env.LD_LIBRARY_PATH;
  return {
    executablePath,
    source: 'bundled',
    env: {
      ...definedOnly(process.env),
      LD_LIBRARY_PATH: inherited ? `${libraries}${delimiter}${inherited}` : libraries,
      FONTCONFIG_PATH: join(tmpdir(), 'fonts'),
    },
  };
}

/** Writes the regular files and folders of a ustar archive below `target`. */
function untar(archive: Buffer, target: string): void {
  for (let offset = 0; offset + 512 <= archive.length;) {
    const header = archive.subarray(offset, offset + 512);
    const field = (start: number, length: number) =>
      header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
    const name = `${field(345, 155) ? `${field(345, 155)}/` : ''}${field(0, 100)}`;
    if (name === '') break;
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const path = join(target, normalize(name));
    if (!path.startsWith(`${target}${sep}`))
      throw new Error(`archive entry outside its folder: ${name}`);
    if (type === '5') mkdirSync(path, { recursive: true });
    else if (type === '0' || type === '') {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, archive.subarray(offset + 512, offset + 512 + size));
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

export interface E2eBrowser {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors other than failed loads (4xx answers are expected). */
  problems: string[];
  /** Saves a full-page screenshot as `test-results/e2e/<name>.png`. */
  screenshot(name: string, page?: Page): Promise<void>;
  close(): Promise<void>;
}

export async function openBrowser(
  options: { javaScriptEnabled?: boolean; locale?: string } = {},
): Promise<E2eBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'servicedesk-chromium-'));
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const launch = await chromiumLaunch();
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: launch.executablePath,
    ...(launch.env ? { env: launch.env } : {}),
    headless: true,
    args: CHROMIUM_ARGS,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    locale: options.locale ?? 'de-DE',
    timezoneId: 'Europe/Berlin',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      // The browser logs every 4xx/5xx answer; the tests expect some (validation errors).
      if (text.startsWith('Failed to load resource')) return;
      problems.push(`console: ${text}`);
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  return {
    context,
    page,
    problems,
    screenshot: async (name, target = page) => {
      await target.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * What a file's download button delivers, and the link it went to. The pages navigate to
 * a short-lived S3 link that asks for `Content-Disposition: attachment`, so the browser
 * saves the file and the page stays. The local S3 stand-in (fauxqs) ignores that request
 * parameter, so locally a file the browser can show (text) opens in the tab instead: then
 * the bytes are fetched from the link the tab opened, and the tab goes back to where it was.
 */
export async function downloadFrom(
  page: Page,
  button: Locator,
): Promise<{ bytes: Buffer; url: string; how: 'saved' | 'opened' }> {
  const before = page.url();
  const origin = new URL(before).origin;
  const saved = page.waitForEvent('download').then(async (download) => ({
    bytes: await readFile(await download.path()),
    url: download.url(),
    how: 'saved' as const,
  }));
  // A navigation that ends in a download never commits; one that shows the file does.
  const shown = page
    .waitForURL((url) => url.origin !== origin)
    // What the tab shows is decoded text; the bytes are those the same link serves.
    .then(async () => ({
      bytes: Buffer.from(await (await fetch(page.url())).arrayBuffer()),
      url: page.url(),
      how: 'opened' as const,
    }));
  await button.click();
  const result = await Promise.any([saved, shown]);
  if (page.url() !== before) await page.goBack();
  return result;
}
