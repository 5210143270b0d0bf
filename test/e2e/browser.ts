import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

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
