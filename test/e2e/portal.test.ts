import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_CONTRACT, TestStack } from '../integration/harness';
import { openBrowser, type E2eBrowser } from './browser';

/**
 * The customer portal in a real browser on a phone-sized screen: sign in with the link
 * from the mail (read from the SES stand-in's /store), the organisation's tickets, one
 * ticket with a reply, a new ticket without typing name and address, the contract; then
 * English.
 */
let stack: TestStack;
let browser: E2eBrowser;
const tickets: Record<string, string> = {};

beforeAll(async () => {
  stack = await TestStack.start();
  browser = await openBrowser({ locale: 'de-DE' });
  await browser.page.setViewportSize({ width: 375, height: 740 });
  const admin = await stack.token('root', ['admins']);
  await stack.request('PUT', '/customers/acme', {
    token: admin,
    body: {
      name: 'ACME GmbH',
      domains: ['acme.example'],
      contacts: [{ email: 'it@acme.example', name: 'Ida Itlerin' }],
      contract: OPEN_CONTRACT,
    },
  });
  tickets.anna = (
    await stack.submit({ name: 'Anna Acme', email: 'anna@acme.example', subject: 'VPN bricht ab' })
  ).ticketId;
  tickets.other = (
    await stack.submit({ name: 'Otto', email: 'otto@other.example', subject: 'Fremdes Ticket' })
  ).ticketId;
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** How far the page sticks out sideways (0 or less: nothing does). */
async function overflow(): Promise<number> {
  return Number(
    await browser.page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    ),
  );
}

/** The sign-in link of the newest portal mail to the address. */
async function signInLink(email: string): Promise<string> {
  const mails = await stack.mailTo(
    (mail) => mail.destination.to.some((to) => to.includes(email)) && /portal/i.test(mail.subject),
  );
  const text = mails[mails.length - 1]?.body.text ?? '';
  const link = /https?:\/\/\S+\/portal\.html\?code=[A-Za-z0-9_-]+(&lang=en)?/.exec(text)?.[0];
  if (!link) throw new Error(`no sign-in link in: ${text}`);
  return link;
}

describe('customer portal on a phone', () => {
  it('signs in by the mailed link and lists the organisation’s tickets, not others', async () => {
    const { page } = browser;
    await page.goto(`${stack.stack.apiUrl}/portal.html`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Kundenportal');
    await page.getByLabel('Ihre E-Mail-Adresse').fill('it@acme.example');
    await page.getByRole('button', { name: 'Anmeldelink senden' }).click();
    await expect
      .poll(() => page.locator('#portal-message').textContent())
      .toContain('ein Anmeldelink unterwegs');
    await browser.screenshot('portal-01-sign-in-phone');

    const link = await signInLink('it@acme.example');
    await page.goto(link);
    // Opening the link spends nothing (mail scanners open links); the button signs in.
    expect(page.url()).not.toContain('code=');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await expect.poll(() => page.locator('#signed-in-as').textContent()).toContain('Ida Itlerin');
    // The spent code is gone from the address bar.
    expect(page.url()).not.toContain('code=');
    await expect.poll(() => page.locator('#portal-tickets li').count()).toBe(1);
    expect(await page.locator('#portal-tickets').textContent()).toContain('VPN bricht ab');
    expect(await page.locator('#portal-tickets').textContent()).not.toContain('Fremdes Ticket');
    // Nothing sticks out sideways on a 375 px screen.
    const overflow = await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await browser.screenshot('portal-02-list-phone');
  });

  it('opens a colleague’s ticket and replies on it', async () => {
    const { page } = browser;
    await page.locator('#portal-tickets a').first().click();
    await expect.poll(() => page.locator('#ticket-heading').textContent()).toContain(tickets.anna);
    // A waiting contract ticket: its response deadline and its place in the queue, in the
    // status page's words (SPEC §9, §10).
    expect(await page.locator('#sla-response').textContent()).toContain(
      'Wir melden uns spätestens bis',
    );
    expect(await page.locator('#sla-resolution').textContent()).not.toBe('');
    expect(await page.locator('#queue-position').textContent()).toContain(
      'Ihre Anfrage ist die nächste, die unser Team aufnimmt.',
    );
    expect(await page.locator('#queue-overtake').textContent()).toContain(
      'Später eingehende dringendere Anfragen mit Wartungsvertrag',
    );
    expect(await page.locator('#queue-estimate').textContent()).toContain('noch nicht schätzen');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByLabel('Ihre Nachricht').fill('Tritt auch bei mir auf.');
    await page.getByRole('button', { name: 'Antwort senden' }).click();
    await expect
      .poll(() => page.locator('#conversation').textContent())
      .toContain('Tritt auch bei mir auf.');
    expect(await page.locator('#conversation').textContent()).toContain('Ida Itlerin');
    // A file for the ticket, from the phone.
    await page.locator('#upload-files').setInputFiles({
      name: 'vpn-log.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('VPN: tunnel dropped after 30 s\n'),
    });
    await page.getByRole('button', { name: 'Hochladen' }).click();
    // Stored on the ticket, as agents see it.
    const agent = await stack.token('alice', ['agents']);
    await expect
      .poll(
        async () => (await stack.request('GET', `/tickets/${tickets.anna}`, { token: agent })).text,
      )
      .toContain('vpn-log.txt');
    await browser.screenshot('portal-03-ticket-phone');
  });

  it('files a new ticket without typing name or address', async () => {
    const { page } = browser;
    await page.locator('#nav-new').click();
    await expect.poll(() => page.locator('#new-intro').textContent()).toContain('it@acme.example');
    expect(await page.locator('#new-ticket-form input[type=email]').count()).toBe(0);
    await page.getByLabel('Betreff').fill('Neuer Drucker');
    await page.getByLabel('Beschreibung').fill('Bitte im 2. OG einrichten.');
    await page.getByRole('button', { name: 'Ticket senden' }).click();
    await expect
      .poll(() => page.locator('#ticket-heading').textContent())
      .toContain('Neuer Drucker');
    await page.locator('#nav-tickets').click();
    await expect.poll(() => page.locator('#portal-tickets li').count()).toBe(2);
    expect(await page.locator('#portal-tickets li').first().textContent()).toContain(
      'Neuer Drucker',
    );
  });

  it('shows the contract and its use, and speaks English', async () => {
    const { page } = browser;
    await page.locator('#nav-contract').click();
    await expect
      .poll(() => page.locator('#contract-facts').textContent())
      .toContain(OPEN_CONTRACT.id);
    expect(await page.locator('#contract-months tbody tr').count()).toBe(12);
    // The plan with its targets, and the service levels month by month.
    expect(await page.locator('#contract-plan h3').textContent()).toContain('Service-Level');
    expect(await page.locator('#contract-plan').textContent()).toContain('Mo–Fr 08:00–17:00');
    expect(await page.locator('#contract-targets tbody tr').count()).toBe(4);
    expect(await page.locator('#contract-targets tbody tr').first().textContent()).toContain(
      'Kritisch',
    );
    expect(await page.locator('#contract-service-levels tbody tr').count()).toBe(12);
    // The tables fit a phone's width (or scroll within themselves), the page does not.
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Customer portal');
    await expect
      .poll(() => page.locator('#contract-facts').textContent())
      .toContain('Included minutes per month');
    expect(await page.locator('#contract-service-levels caption').textContent()).toContain(
      'Service levels of the last 12 months',
    );
    expect(await page.locator('#contract-targets thead').textContent()).toContain(
      'First response within',
    );
    await browser.screenshot('portal-04-contract-phone-en');
    await page.locator('#sign-out').click();
    await expect.poll(() => page.locator('#sign-in-form').isVisible()).toBe(true);
    expect(browser.problems).toEqual([]);
  });
});

describe('a waiting ticket in the portal', () => {
  it('shows a standard requester its live place in the queue, refreshed like the status page', async () => {
    const { page } = browser;
    // The page's timers are driven, not waited for.
    await page.clock.install();
    // German again: the English chosen above is remembered by this browser.
    await page.goto(`${stack.stack.apiUrl}/portal.html`);
    await page.evaluate('localStorage.clear(); sessionStorage.clear()');
    await page.goto(`${stack.stack.apiUrl}/portal.html`);
    await page.getByLabel('Ihre E-Mail-Adresse').fill('otto@other.example');
    await page.getByRole('button', { name: 'Anmeldelink senden' }).click();
    await expect
      .poll(() => page.locator('#portal-message').textContent())
      .toContain('ein Anmeldelink unterwegs');
    await page.goto(await signInLink('otto@other.example'));
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await expect.poll(() => page.locator('#portal-tickets li').count()).toBe(1);
    await page.locator('#portal-tickets a').first().click();
    await expect.poll(() => page.locator('#ticket-heading').textContent()).toContain(tickets.other);
    // Two contract tickets wait before it (Anna's and the one filed above); no service level.
    const position = page.locator('#queue-position');
    expect(await position.textContent()).toContain('Nummer 3 in der Warteschlange');
    expect(await position.textContent()).toContain(
      '2 Anfragen sind vor Ihrer (2 mit Wartungsvertrag, 0 ohne)',
    );
    expect(await page.locator('#queue-overtake').textContent()).toContain(
      'Später eingehende Anfragen von Kunden mit Wartungsvertrag',
    );
    expect(await page.locator('#sla-response').count()).toBe(0);
    await page.getByLabel('Ihre Nachricht').fill('Noch nicht abgeschickt');

    // An agent takes the ticket ahead; the portal catches up on its own, the draft stays.
    const agent = await stack.token('alice', ['agents']);
    expect((await stack.request('POST', '/queue/claim', { token: agent })).status).toBe(200);
    await page.clock.fastForward(31_000);
    await expect.poll(() => position.textContent()).toContain('Nummer 2 in der Warteschlange');
    expect(await page.getByLabel('Ihre Nachricht').inputValue()).toBe('Noch nicht abgeschickt');
    await browser.screenshot('portal-05-queue-phone');

    await page.getByRole('button', { name: 'English' }).click();
    await expect
      .poll(() => position.textContent())
      .toContain('Your request is number 2 in the queue.');
    expect(await page.locator('#queue-overtake').textContent()).toContain(
      'Requests from customers with a service contract',
    );
    expect(await page.locator('#queue-estimate').textContent()).toContain('cannot yet estimate');

    // Once taken, the place in the queue goes away.
    for (let i = 0; i < 2; i++) {
      expect((await stack.request('POST', '/queue/claim', { token: agent })).status).toBe(200);
    }
    await page.clock.fastForward(31_000);
    await expect.poll(() => page.locator('#queue-standing').isHidden()).toBe(true);
    expect(browser.problems).toEqual([]);
  }, 60_000);
});
