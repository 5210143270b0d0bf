import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimAt, everyMinutes, realClock, setClock } from '../integration/claim-history';
import { OPEN_CONTRACT, TestStack } from '../integration/harness';
import { openBrowser, type E2eBrowser } from './browser';

/**
 * The status page's place in the queue in a real browser: plain words in German and
 * English, what may overtake, no estimate while there is no history, and the position
 * refreshing by itself (the page's clock is driven, not waited for) after a claim.
 */
/** A time as the pages write it: Berlin time, medium date, short time. */
function formatDateTime(iso: string, locale: 'de' | 'en'): string {
  return new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Berlin',
  }).format(new Date(iso));
}

let stack: TestStack;
let browser: E2eBrowser;

beforeAll(async () => {
  stack = await TestStack.start();
  browser = await openBrowser({ locale: 'de-DE' });
});

afterAll(async () => {
  realClock();
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

  it('words an estimate as a range that is no promise, and what may overtake, for both groups', async () => {
    const agent = await stack.token('alice', ['agents']);
    const admin = await stack.token('root', ['admins']);
    await stack.request('PUT', '/customers/acme', {
      token: admin,
      body: { name: 'ACME GmbH', domains: ['acme.de'], contacts: [], contract: OPEN_CONTRACT },
    });
    // A week of claims in office hours (Monday to Friday, 24 November 2026 on), then a
    // Wednesday morning in Berlin.
    await claimAt(stack, agent, [
      ...everyMinutes('2026-11-19T08:00:00.000Z', 8, 30),
      ...everyMinutes('2026-11-20T08:00:00.000Z', 8, 30),
      ...everyMinutes('2026-11-23T08:00:00.000Z', 8, 30),
    ]);
    setClock('2026-11-25T09:00:00.000Z');
    const mine = await stack.submit({ email: 'me@example.org', subject: 'Meine Anfrage' });
    const view = await stack.request('GET', `/tickets/${mine.ticketId}`, {
      headers: { 'x-ticket-token': mine.accessToken },
    });
    const range = (view.json.queue as { estimatedStart: { earliest: string; latest: string } })
      .estimatedStart;
    expect(range).not.toBeNull();

    const { page } = browser;
    await page.goto(
      `${stack.stack.apiUrl}/status.html?ticket=${mine.ticketId}&token=${mine.accessToken}&lang=de`,
    );
    const estimate = page.locator('#queue-estimate');
    await expect.poll(() => estimate.textContent()).toContain('voraussichtlich zwischen');
    expect(await estimate.textContent()).toContain(
      `zwischen ${formatDateTime(range.earliest, 'de')} und ${formatDateTime(range.latest, 'de')}`,
    );
    expect(await estimate.textContent()).toContain('Das ist eine Schätzung, keine Zusage.');
    expect(await page.locator('#queue-overtake').textContent()).toContain(
      'Später eingehende Anfragen von Kunden mit Wartungsvertrag und dringendere Anfragen',
    );
    await browser.screenshot('queue-position-03-estimate-de');
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => estimate.textContent()).toContain('will probably start between');
    expect(await estimate.textContent()).toContain(
      `between ${formatDateTime(range.earliest, 'en')} and ${formatDateTime(range.latest, 'en')}`,
    );
    expect(await estimate.textContent()).toContain('This is an estimate, not a promise.');

    // A contract ticket: only more urgent contract requests may overtake it.
    const contract = await stack.submit({ email: 'it@acme.de', subject: 'Mit Vertrag' });
    expect(contract.group).toBe('contract');
    await page.goto(
      `${stack.stack.apiUrl}/status.html?ticket=${contract.ticketId}&token=${contract.accessToken}&lang=en`,
    );
    const overtake = page.locator('#queue-overtake');
    await expect
      .poll(() => overtake.textContent())
      .toContain('More urgent requests under a service contract that arrive later');
    expect(await page.locator('#queue-estimate').textContent()).toContain('not a promise');
    expect(browser.problems).toEqual([]);
  }, 90_000);
});
