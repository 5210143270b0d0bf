import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestStack } from '../integration/harness';
import { openBrowser, type E2eBrowser } from './browser';

/**
 * The status page's place in the queue in a real browser: plain words in German and
 * English, what may overtake, no estimate while there is no history, and the position
 * refreshing by itself (the page's clock is driven, not waited for) after a claim.
 */
let stack: TestStack;
let browser: E2eBrowser;

beforeAll(async () => {
  stack = await TestStack.start();
  browser = await openBrowser({ locale: 'de-DE' });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the status page shows the live place in the queue', () => {
  it('says where the ticket stands, what may overtake it, and follows a claim', async () => {
    await stack.submit({ email: 'first@example.org', subject: 'Erste Anfrage' });
    await stack.submit({ email: 'second@example.org', subject: 'Zweite Anfrage' });
    const mine = await stack.submit({ email: 'me@example.org', subject: 'Meine Anfrage' });
    const { page } = browser;
    await page.clock.install();
    await page.goto(
      `${stack.stack.apiUrl}/status.html?ticket=${mine.ticketId}&token=${mine.accessToken}`,
    );
    const position = page.locator('#queue-position');
    await expect.poll(() => position.textContent()).toContain('Nummer 3 in der Warteschlange');
    expect(await position.textContent()).toContain(
      '2 Anfragen sind vor Ihrer (0 mit Wartungsvertrag, 2 ohne)',
    );
    expect(await page.locator('#queue-overtake').textContent()).toContain(
      'Später eingehende Anfragen von Kunden mit Wartungsvertrag',
    );
    expect(await page.locator('#queue-estimate').textContent()).toContain('noch nicht schätzen');
    await page.locator('#reply-body, textarea').first().fill('Noch ein Hinweis, nicht abgeschickt');
    await browser.screenshot('queue-position-01-de');

    // Two agents take the two tickets ahead; the page catches up on its own.
    const agent = await stack.token('alice', ['agents']);
    for (let i = 0; i < 2; i++) {
      expect((await stack.request('POST', '/queue/claim', { token: agent })).status).toBe(200);
    }
    await page.clock.fastForward(31_000);
    await expect
      .poll(() => position.textContent())
      .toContain('Ihre Anfrage ist die nächste, die unser Team aufnimmt.');
    // The refresh left the reply being typed alone.
    expect(await page.locator('textarea').first().inputValue()).toBe(
      'Noch ein Hinweis, nicht abgeschickt',
    );

    await page.getByRole('button', { name: 'English' }).click();
    await expect
      .poll(() => position.textContent())
      .toContain('Your request is the next one our team takes up.');
    expect(await page.locator('#queue-overtake').textContent()).toContain(
      'Requests from customers with a service contract',
    );
    expect(await page.locator('#queue-estimate').textContent()).toContain('cannot yet estimate');
    await browser.screenshot('queue-position-02-en');

    // Once taken, the place in the queue goes away.
    expect((await stack.request('POST', '/queue/claim', { token: agent })).status).toBe(200);
    await page.clock.fastForward(31_000);
    await expect.poll(() => page.locator('#queue-standing').isHidden()).toBe(true);
  }, 60_000);
});
