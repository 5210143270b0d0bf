import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core (browsers cannot be downloaded here, so
 * `npx playwright install` is never used): found as `chromium` on the PATH, or at
 * CHROMIUM_PATH. Each browser gets a fresh profile folder that is deleted on close.
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

export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'chromium');
    if (dir && existsSync(candidate)) return candidate;
  }
  return '/usr/bin/chromium';
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
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
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
