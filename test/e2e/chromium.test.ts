import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TestStack } from '../integration/harness';
import { chromiumLaunch, openBrowser, systemChromium } from './browser';

/**
 * The e2e tests also run on a machine without a Chromium package: the lookup falls back
 * to the Chromium that `@sparticuz/chromium` ships, and the pages work in it.
 */
describe('finding a Chromium for the e2e tests', () => {
  const present =
    (...paths: string[]) =>
    (path: string) =>
      paths.includes(path);

  it('takes CHROMIUM_PATH when it names a file, and nothing else when it does not', () => {
    const env = { CHROMIUM_PATH: '/opt/chrome/chrome', PATH: '/usr/bin' };
    expect(systemChromium(env, present('/opt/chrome/chrome', '/usr/bin/chromium'))).toBe(
      '/opt/chrome/chrome',
    );
    expect(systemChromium(env, present('/usr/bin/chromium'))).toBeUndefined();
  });

  it('else finds chromium on the PATH, in its order, then /usr/bin/chromium', () => {
    const env = { PATH: ['', '/home/me/bin', '/usr/local/bin'].join(':') };
    expect(systemChromium(env, present('/usr/local/bin/chromium', '/home/me/bin/chromium'))).toBe(
      '/home/me/bin/chromium',
    );
    expect(systemChromium(env, present('/usr/local/bin/chromium'))).toBe('/usr/local/bin/chromium');
    expect(systemChromium({}, present('/usr/bin/chromium'))).toBe('/usr/bin/chromium');
    expect(systemChromium(env, present())).toBeUndefined();
  });
});

describe('without a system Chromium', () => {
  let stack: TestStack;
  beforeAll(async () => {
    vi.stubEnv('CHROMIUM_PATH', '/nonexistent/chromium');
    stack = await TestStack.start();
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await stack?.stop();
  });

  it('launches the bundled Chromium, and the support form works in it', async () => {
    const launch = await chromiumLaunch();
    expect(launch.source).toBe('bundled');
    expect(existsSync(launch.executablePath)).toBe(true);
    const browser = await openBrowser({ locale: 'de-DE' });
    try {
      const { page } = browser;
      await page.goto(`${stack.stack.apiUrl}/`);
      // The page's script runs: the API's field errors appear next to the fields.
      await page.getByLabel('Ihre E-Mail-Adresse').fill('not-an-address');
      await page.getByRole('button', { name: 'Ticket senden' }).click();
      await page.locator('#email-error').waitFor({ state: 'visible' });
      expect(await page.locator('#email-error').textContent()).toContain('E-Mail-Adresse');
      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
