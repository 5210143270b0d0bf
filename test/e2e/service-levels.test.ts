import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { berlinDay } from '../../functions/domain/calendar';
import { OPEN_CONTRACT, TestStack, type SubmittedTicket } from '../integration/harness';
import { openBrowser, type E2eBrowser } from './browser';

/**
 * Service levels in a real browser: the customer's status page names the response deadline
 * in words; the console shows a contract ticket's due times; the admin page lists the
 * plans, picks a contract's plan and shows the month's report.
 */
let stack: TestStack;
let browser: E2eBrowser;
let ticket: SubmittedTicket;
const month = berlinDay(new Date()).slice(0, 7);

beforeAll(async () => {
  stack = await TestStack.start();
  browser = await openBrowser({ locale: 'de-DE' });
  const admin = await stack.token('carol', ['admins']);
  const saved = await stack.request('PUT', '/customers/acme', {
    token: admin,
    body: { name: 'ACME GmbH', domains: ['acme.example'], contract: OPEN_CONTRACT },
  });
  expect(saved.status).toBe(201);
  ticket = await stack.submit({ email: 'it@acme.example', subject: 'VPN fällt aus' });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function signIn(path: string, name: string) {
  const { page } = browser;
  await page.goto(`${stack.stack.apiUrl}${path}`);
  await page.getByLabel('Your user name').fill(name);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(`Signed in as ${name}`).waitFor();
}

describe('service levels on the pages', () => {
  it("the status page names the response deadline in the customer's words", async () => {
    const { page } = browser;
    await page.goto(
      `${stack.stack.apiUrl}/status.html?ticket=${ticket.ticketId}&token=${ticket.accessToken}`,
    );
    const response = page.locator('#sla-response');
    await response.waitFor();
    expect(await response.textContent()).toMatch(
      /^Wir melden uns spätestens bis \w+, \d{1,2}\. \w+, \d{2}:\d{2} Uhr\.$/,
    );
    await browser.screenshot('sla-01-status');
  });

  it('the console shows the due time of a contract ticket', async () => {
    const { page } = browser;
    await signIn('/console.html', 'alice');
    const row = page.locator(`#queue-body tr[data-ticket-id="${ticket.ticketId}"]`);
    await row.waitFor();
    expect(await row.locator('time').nth(1).getAttribute('datetime')).toMatch(/^\d{4}-/);
    await page.locator(`a[data-ticket-id="${ticket.ticketId}"]`).click();
    await page.getByText('First response', { exact: true }).waitFor();
    expect(await page.locator('#ticket-facts').textContent()).toMatch(/business time left/);
    await browser.screenshot('sla-02-console');
  });

  it("the admin page lists the plans, picks a contract's plan and shows the report", async () => {
    const { page } = browser;
    await signIn('/admin.html', 'carol');
    await page.locator('#plans-body tr[data-plan-id="extended"]').waitFor();
    await page.locator('#customers-body tr[data-customer-id="acme"] button').first().click();
    await page.locator('#contract-plan').selectOption('extended');
    await page.getByRole('button', { name: 'Save customer' }).click();
    await page.getByText('Saved ACME GmbH (updated).').waitFor();
    const saved = await stack.request('GET', '/customers/acme', {
      token: await stack.token('carol', ['admins']),
    });
    expect((saved.json.contract as { serviceLevel?: string }).serviceLevel).toBe('extended');

    await page.locator('#report-month').fill(month);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    // The ticket keeps the plan its clock started on; the customer is listed on its new plan too.
    await page
      .locator('#report-body tr[data-customer-id="acme"][data-plan-id="extended"]')
      .waitFor();
    const acme = page.locator(
      '#report-body tr[data-customer-id="acme"][data-plan-id="office-hours"]',
    );
    await acme.waitFor();
    expect(await acme.locator('td').nth(1).textContent()).toBe('1');
    await browser.screenshot('sla-03-admin');
    expect(browser.problems).toEqual([]);
  });
});
