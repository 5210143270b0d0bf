import type { Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestStack } from '../integration/harness';
import { downloadFrom, openBrowser, type E2eBrowser } from './browser';

/**
 * The customer's journey in a real browser against the real local stack: the support
 * form (errors from the API next to the fields, language switch, keyboard, files), the
 * ticket number and status link with each file's outcome, the status page with the files
 * (download, add more) and a reply; and the same form without JavaScript (no files).
 */
const ERROR_LOG = Buffer.from(
  'Backup job 17\n02:00 start\n02:14 error 0x17 – Zugriff verweigert\n',
);
const TRACE = Buffer.from('trace: connect() → ETIMEDOUT\n');
/** Every byte value once: what goes up must come down unchanged. */
const DUMP = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

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

    // A file over 4 MB is named next to the file field as soon as it is chosen, and
    // nothing is sent while it is chosen.
    const files = page.getByLabel('Dateien (optional)');
    await files.setInputFiles({
      name: 'riesig.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.alloc(4 * 1024 * 1024 + 1),
    });
    await page.locator('#files-error').waitFor();
    expect(await page.locator('#files-error').textContent()).toBe(
      '„riesig.bin“ hat 4,1 MB; eine Datei darf höchstens 4 MB haben.',
    );
    expect(await files.getAttribute('aria-invalid')).toBe('true');
    expect(await files.getAttribute('aria-describedby')).toContain('files-error');
    expect(await page.locator('#form-status').textContent()).toContain('riesig.bin');
    const posts: string[] = [];
    const watchPosts = (request: Request) => {
      if (request.method() === 'POST') posts.push(request.url());
    };
    page.on('request', watchPosts);
    await page.getByRole('button', { name: 'Ticket senden' }).click();
    await expect.poll(() => page.evaluate('document.activeElement.id')).toBe('files');
    expect(await page.locator('#form-errors').textContent()).toContain('riesig.bin');
    page.off('request', watchPosts);
    expect(posts).toEqual([]);
    await browser.screenshot('customer-02b-file-too-large');
    await files.setInputFiles([]);
    await expect.poll(() => page.locator('#files-error').count()).toBe(0);
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
    // Next the optional files (a keyboard user would open the picker with Space).
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('files');
    await page.getByLabel('Files (optional)').setInputFiles([
      { name: 'error-log.txt', mimeType: 'text/plain', buffer: ERROR_LOG },
      { name: 'trace.txt', mimeType: 'text/plain', buffer: TRACE },
    ]);
    expect(await page.locator('#files-chosen li').allTextContents()).toEqual([
      `error-log.txt (${ERROR_LOG.length} bytes)`,
      `trace.txt (${TRACE.length} bytes)`,
    ]);
    await browser.screenshot('customer-03-form-en-filled');
    // The second file's first upload fails on the way (the server is briefly away).
    let traceAttempts = 0;
    await page.route('**/tickets/*/attachments', async (route) => {
      const request = route.request();
      if (request.method() === 'POST' && request.postDataJSON()?.filename === 'trace.txt') {
        traceAttempts += 1;
        if (traceAttempts === 1) {
          await route.fulfill({
            status: 503,
            contentType: 'application/problem+json',
            json: { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: '' },
          });
          return;
        }
      }
      await route.continue();
    });
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

    // Each file's outcome below the ticket number; the failed one does not hide the ticket.
    const uploads = page.locator('#uploads li');
    await page.locator('#uploads li[data-filename="error-log.txt"][data-state="done"]').waitFor();
    const failed = page.locator('#uploads li[data-filename="trace.txt"][data-state="failed"]');
    await failed.waitFor();
    expect(await failed.textContent()).toContain('not attached: a problem on our side (error 503)');
    expect(await page.locator('#upload-status').textContent()).toContain(
      '1 of 2 files could not be attached. Your ticket has been received all the same',
    );
    expect(await number.isVisible()).toBe(true);
    expect(await page.locator('#upload-status').getAttribute('role')).toBe('status');
    await browser.screenshot('customer-04-submitted-one-file-failed');
    await page.getByRole('button', { name: 'Try again: trace.txt' }).click();
    await page.locator('#uploads li[data-filename="trace.txt"][data-state="done"]').waitFor();
    expect(await uploads.allTextContents()).toEqual([
      `error-log.txt (${ERROR_LOG.length} bytes): attached`,
      `trace.txt (${TRACE.length} bytes): attached`,
    ]);
    expect(await page.locator('#upload-status').textContent()).toBe(
      'All files are attached (2 of 2).',
    );
    expect(traceAttempts).toBe(2);
    await page.unroute('**/tickets/*/attachments');
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
    expect(await page.locator('#conversation > li').count()).toBe(1);
    expect(await page.locator('#conversation').textContent()).toContain('error 0x17');
    expect(await page.locator('#ticket-files li').allTextContents()).toEqual([
      `Download error-log.txt (${ERROR_LOG.length} bytes)`,
      `Download trace.txt (${TRACE.length} bytes)`,
    ]);
    await browser.screenshot('customer-05-status');

    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.locator('#body-error').waitFor();
    expect(await page.locator('#reply-body').getAttribute('aria-invalid')).toBe('true');

    await page
      .getByRole('textbox', { name: 'Your message' })
      .fill('It also happens on the second server.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByText('Your reply was added.').waitFor();
    expect(await page.locator('#conversation > li').count()).toBe(2);
    expect(await page.locator('#conversation > li').nth(1).textContent()).toContain(
      'second server',
    );
    await browser.screenshot('customer-06-replied');

    await page.getByRole('button', { name: 'Deutsch' }).click();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await page.getByRole('heading', { name: 'Verlauf' }).waitFor();
    expect(await page.locator('[data-status]').textContent()).toBe(
      'Eingegangen, wartet auf Bearbeitung',
    );
    await browser.screenshot('customer-07-status-de');
  });

  it('downloads the files from the status page and adds another one', async () => {
    const { page } = browser;
    // The page is in German now (switched above).
    const log = await downloadFrom(
      page,
      page.getByRole('button', { name: 'Herunterladen error-log.txt' }),
    );
    expect(log.bytes.equals(ERROR_LOG)).toBe(true);
    // S3 is asked to send it as an attachment under its name (the local stand-in ignores it).
    const disposition = new URL(log.url).searchParams.get('response-content-disposition');
    expect(disposition).toMatch(/^attachment;.*error-log\.txt/);
    await page.getByRole('heading', { name: `Ticket ${ticketId}` }).waitFor();

    await page.getByRole('button', { name: 'Hochladen' }).click();
    await page.locator('#files-error').waitFor();
    expect(await page.locator('#files-error').textContent()).toBe(
      'Bitte wählen Sie mindestens eine Datei aus.',
    );
    expect(await page.locator('#upload-files').getAttribute('aria-invalid')).toBe('true');
    await page
      .locator('#upload-files')
      .setInputFiles({ name: 'dump.bin', mimeType: 'application/octet-stream', buffer: DUMP });
    await page.getByRole('button', { name: 'Hochladen' }).click();
    await page.getByText('Alle Dateien sind angehängt (1 von 1).').waitFor();
    await expect.poll(() => page.locator('#ticket-files li').count()).toBe(3);
    expect(await page.locator('#uploads li').textContent()).toBe('dump.bin (256 Bytes): angehängt');
    await browser.screenshot('customer-08-status-files-de');

    const dump = await downloadFrom(
      page,
      page.getByRole('button', { name: 'Herunterladen dump.bin' }),
    );
    expect(dump.bytes.equals(DUMP)).toBe(true);
    // Not a type the browser shows: it saves the file, even from the local stand-in.
    expect(dump.how).toBe('saved');
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
    // No file field without JavaScript (the plain post takes none); the form says what to do.
    expect(await page.locator('#files').isVisible()).toBe(false);
    expect(await page.locator('#files').getAttribute('name')).toBeNull();
    expect(await page.locator('noscript #files-noscript').textContent()).toContain(
      'Without JavaScript no files can be attached here. Reply to our confirmation e-mail',
    );
    expect(await page.locator('noscript #files-noscript').isVisible()).toBe(true);
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
