import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestStack } from '../integration/harness';
import { openBrowser, type E2eBrowser } from './browser';

/**
 * The customer's journey in a real browser against the real local stack: the support
 * form (errors from the API next to the fields, language switch, keyboard), the ticket
 * number and status link, the status page and a reply; and the same form without
 * JavaScript.
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

describe('the pages are served with the security headers', () => {
  it('sends CSP, nosniff, no-referrer and frame denial with pages and assets; API paths stay the API', async () => {
    for (const path of [
      '/',
      '/en/',
      '/status.html',
      '/console.html',
      '/styles.css',
      '/assets/form.js',
      '/config.json',
    ]) {
      const response = await fetch(`${stack.stack.apiUrl}${path}`);
      expect(response.status, path).toBe(200);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    }
    expect(await (await fetch(`${stack.stack.apiUrl}/config.json`)).json()).toEqual({
      auth: 'local',
    });
    const html = await (await fetch(`${stack.stack.apiUrl}/`)).text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style/);
    const health = await fetch(`${stack.stack.apiUrl}/health`);
    expect(health.headers.get('content-type')).toContain('application/json');
    const unknown = await fetch(`${stack.stack.apiUrl}/nothing-here.html`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('customer with JavaScript', () => {
  let statusLink = '';
  let ticketId = '';

  it('shows the API’s field errors next to the fields and announces them', async () => {
    const { page } = browser;
    const response = await page.goto(`${stack.stack.apiUrl}/`);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('de');
    await expect.poll(() => page.getByLabel('Ihr Name').isVisible()).toBe(true);
    await browser.screenshot('customer-01-form-de');

    await page.getByLabel('Ihre E-Mail-Adresse').fill('not-an-address');
    await page.getByRole('button', { name: 'Ticket senden' }).click();
    const summary = page.locator('#form-errors');
    await summary.waitFor({ state: 'visible' });
    expect(await summary.getAttribute('role')).toBe('alert');
    for (const field of ['name', 'email', 'subject', 'description']) {
      const input = page.locator(`#${field}`);
      expect(await input.getAttribute('aria-invalid'), field).toBe('true');
      const describedBy = (await input.getAttribute('aria-describedby')) ?? '';
      expect(describedBy).toContain(`${field}-error`);
      expect(await page.locator(`#${field}-error`).textContent()).toBeTruthy();
    }
    expect(await page.locator('#email-error').textContent()).toContain('E-Mail-Adresse');
    expect(await page.locator('#name-error').textContent()).toContain(
      'Bitte füllen Sie dieses Feld aus',
    );
    // The keyboard user lands on the first field to fix.
    expect(await page.evaluate('document.activeElement.id')).toBe('name');
    await browser.screenshot('customer-02-field-errors');
  });

  it('switches to English keeping what was typed, and submits with the keyboard', async () => {
    const { page } = browser;
    await page.locator('#name').fill('Erika Mustermann');
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/\/en\/$/);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByLabel('Your name').inputValue()).toBe('Erika Mustermann');

    // Keyboard only from here: Tab through the fields, arrows for the severity.
    await page.locator('#name').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.type('erika@example.org');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Backup fails since the update');
    await page.keyboard.press('Tab');
    await page.keyboard.type(
      'Since the update on Monday the nightly backup stops with error 0x17.',
    );
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('severity-normal');
    await page.keyboard.press('ArrowUp');
    expect(await page.locator('#severity-high').isChecked()).toBe(true);
    expect(await page.getByText('An important function fails').isVisible()).toBe(true);
    await browser.screenshot('customer-03-form-en-filled');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('submit-ticket');
    await page.keyboard.press('Enter');

    const number = page.locator('#submitted [data-ticket-id]');
    await number.waitFor();
    ticketId = (await number.textContent()) ?? '';
    expect(ticketId).toMatch(/^T-\d+$/);
    expect(await page.evaluate('document.activeElement.tagName')).toBe('H2');
    statusLink = (await page.locator('#submitted a.status-link').getAttribute('href')) ?? '';
    expect(statusLink).toMatch(new RegExp(`^/status\\.html\\?ticket=${ticketId}&token=[^&]+$`));
    await browser.screenshot('customer-04-submitted');
  });

  it('gives the same status link as the acknowledgement mail', async () => {
    const mails = await stack.mailTo((mail) => mail.subject.includes(ticketId));
    expect(mails).toHaveLength(1);
    expect(mails[0]?.body.text ?? '').toContain(`${stack.stack.apiUrl}${statusLink}`);
  });

  it('shows status and conversation on the status page, and takes a reply', async () => {
    const { page } = browser;
    await page.locator('#submitted a.status-link').click();
    await page.waitForURL(/status\.html/);
    // The customer chose English on the form; the status page stays in that language.
    await page.getByRole('heading', { name: `Ticket ${ticketId}` }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('[data-status]').textContent()).toBe(
      'Received, waiting for an agent',
    );
    expect(await page.locator('#conversation li').count()).toBe(1);
    expect(await page.locator('#conversation').textContent()).toContain('error 0x17');
    await browser.screenshot('customer-05-status');

    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.locator('#body-error').waitFor();
    expect(await page.locator('#reply-body').getAttribute('aria-invalid')).toBe('true');

    await page
      .getByRole('textbox', { name: 'Your message' })
      .fill('It also happens on the second server.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByText('Your reply was added.').waitFor();
    expect(await page.locator('#conversation li').count()).toBe(2);
    expect(await page.locator('#conversation li').nth(1).textContent()).toContain('second server');
    await browser.screenshot('customer-06-replied');

    await page.getByRole('button', { name: 'Deutsch' }).click();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await page.getByRole('heading', { name: 'Verlauf' }).waitFor();
    expect(await page.locator('[data-status]').textContent()).toBe(
      'Eingegangen, wartet auf Bearbeitung',
    );
    await browser.screenshot('customer-07-status-de');
  });

  it('says so when the link is wrong', async () => {
    const { page } = browser;
    await page.goto(`${stack.stack.apiUrl}/status.html?ticket=${ticketId}&token=wrong`);
    await page.getByText('Zu diesem Link finden wir kein Ticket').waitFor();
    await page.goto(`${stack.stack.apiUrl}/status.html`);
    await page.getByText('Dieser Link ist unvollständig').waitFor();
    expect(browser.problems).toEqual([]);
  });
});

describe('customer without JavaScript', () => {
  let noJs: E2eBrowser;

  beforeAll(async () => {
    noJs = await openBrowser({ javaScriptEnabled: false, locale: 'en-GB' });
  });

  afterAll(async () => {
    await noJs?.close();
  });

  it('reads the static form in both languages', async () => {
    const { page } = noJs;
    await page.goto(`${stack.stack.apiUrl}/en/`);
    expect(await page.getByLabel('Your e-mail address').isVisible()).toBe(true);
    // Playwright's text matching skips <noscript>; CSS finds it, and it shows without JS.
    expect(await page.locator('noscript .notice').textContent()).toContain('JavaScript is off');
    expect(await page.locator('noscript .notice').isVisible()).toBe(true);
    const form = page.locator('#ticket-form');
    expect(await form.getAttribute('action')).toBe('/tickets');
    expect(await form.getAttribute('method')).toBe('post');
    expect(await form.getAttribute('enctype')).toBe('application/x-www-form-urlencoded');
    expect(await page.locator('input[name="locale"]').inputValue()).toBe('en');
    await noJs.screenshot('nojs-01-form-en');
    await page.getByRole('link', { name: 'Deutsch' }).click();
    expect(await page.getByLabel('Ihre E-Mail-Adresse').isVisible()).toBe(true);
  });

  it('submits as a plain form POST and gets a page with the ticket number', async () => {
    const { page } = noJs;
    await page.goto(`${stack.stack.apiUrl}/en/`);
    await page.getByLabel('Your name').fill('Max Mustermann');
    await page.getByLabel('Your e-mail address').fill('max@example.org');
    await page.getByLabel('Subject').fill('Cannot log in');
    await page.getByLabel('Description').fill('The login page says “account locked”.');
    await page.getByLabel('Critical').check();
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Send ticket' }).click(),
    ]);
    const text = (await page.textContent('body')) ?? '';
    const ticketId = /T-\d+/.exec(text)?.[0];
    expect(ticketId).toBeTruthy();
    const link = page.locator(`a[href^="/status.html?ticket=${ticketId}&token="]`);
    expect(await link.count()).toBeGreaterThan(0);
    await noJs.screenshot('nojs-02-submitted');

    const agent = await stack.token('alice');
    const ticket = await stack.request('GET', `/tickets/${ticketId}`, { token: agent });
    expect(ticket.json).toMatchObject({
      severity: 'critical',
      locale: 'en',
      subject: 'Cannot log in',
    });
  });

  it('tells that the status page needs JavaScript', async () => {
    const { page } = noJs;
    await page.goto(`${stack.stack.apiUrl}/status.html?ticket=T-1&token=x`);
    const notes = page.locator('noscript .notice');
    expect(await notes.nth(1).textContent()).toContain('The status page needs JavaScript.');
    expect(await notes.nth(1).isVisible()).toBe(true);
    expect(noJs.problems).toEqual([]);
  });
});
