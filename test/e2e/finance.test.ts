import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { berlinDay } from '../../functions/domain/calendar';
import { TestStack } from '../integration/harness';
import { openBrowser, type E2eBrowser } from './browser';

/**
 * Finance in a real browser against the real local stack: with work logged this month
 * (a contract customer partly covered, a sender without a customer record fully billed),
 * pick the month, see the totals per customer, download CSV, the German Excel variant and
 * JSON.
 */
let stack: TestStack;
let browser: E2eBrowser;
const month = berlinDay(new Date()).slice(0, 7);

beforeAll(async () => {
  stack = await TestStack.start();
  browser = await openBrowser({ locale: 'en-GB' });

  const admin = await stack.token('carol', ['admins']);
  const agent = await stack.token('alice');
  const saved = await stack.request('PUT', '/customers/acme', {
    token: admin,
    body: {
      name: 'ACME GmbH',
      domains: ['acme.example'],
      contract: {
        id: 'SV-2020-001',
        validFrom: '2020-01-01',
        includedMinutesPerMonth: 60,
        coveredServiceCodes: ['REMOTE'],
      },
    },
  });
  expect(saved.status).toBe(201);
  const contract = await stack.submit({ email: 'it@acme.example', subject: 'VPN' });
  const standard = await stack.submit({ name: 'Lea Lang', email: 'lea@example.net' });
  const work = async (ticketId: string, body: Record<string, unknown>) => {
    const response = await stack.request('POST', `/tickets/${ticketId}/work`, {
      token: agent,
      body,
    });
    expect(response.status, response.text).toBe(201);
  };
  // 90 minutes of remote support: 60 covered, 30 billed as 2 quarter hours at 39.00.
  await work(contract.ticketId, { minutes: 90, serviceCode: 'REMOTE', description: 'VPN' });
  await work(contract.ticketId, { minutes: 30, serviceCode: 'TRAVEL', description: 'Drive' });
  await work(standard.ticketId, { minutes: 17, serviceCode: 'ANALYSIS', description: 'Logs' });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function download(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

describe('finance', () => {
  it('signs in, picks the month and sees the totals per customer', async () => {
    const { page } = browser;
    await page.goto(`${stack.stack.apiUrl}/finance.html`);
    await page.getByLabel('Your user name').fill('fiona');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as fiona').waitFor();
    // The previous month is preselected, as finance bills after the month ends.
    await page.getByText(/No billable work in \d{4}-\d{2}\./).waitFor();

    await page.getByLabel('Month').fill(month);
    await page.getByRole('button', { name: 'Show totals' }).click();
    await page.getByText(`${month}: 2 customers with billable work.`).waitFor();
    const rows = page.locator('#totals-body tr');
    expect(await rows.count()).toBe(2);
    const acme = page.locator('#totals-body tr[data-customer-id="acme"]');
    expect(await acme.textContent()).toContain('ACME GmbH');
    // 2 × 39.00 for the uncovered half hour + 89.00 travel.
    expect(await acme.locator('td').nth(1).textContent()).toBe('2');
    expect(await acme.locator('td').nth(2).textContent()).toBe('€167.00');
    expect(await page.locator('#total-entries').textContent()).toBe('3');
    // 17 minutes of analysis at 2.60 a minute.
    expect(await page.locator('#total-amount').textContent()).toBe('€211.20');
    expect(page.url()).toContain(`?month=${month}`);
    await browser.screenshot('finance-01-totals');
  });

  it('downloads CSV, the German Excel variant and JSON', async () => {
    const { page } = browser;
    const csv = await download(page, 'CSV');
    expect(csv.name).toBe(`billing-${month}.csv`);
    expect(csv.text.split(/\r?\n/)[0]).toMatch(/^customerId,customerName,ticketId/);
    expect(csv.text).toContain('ACME GmbH');
    expect(csv.text).toContain('78.00');

    const excel = await download(page, 'CSV for Excel (German: semicolons, decimal comma)');
    expect(excel.name).toBe(`billing-${month}.excel.csv`);
    expect(excel.text.startsWith('\uFEFF')).toBe(true);
    expect(excel.text).toContain(';');
    expect(excel.text).toContain('78,00');

    const json = await download(page, 'JSON');
    expect(json.name).toBe(`billing-${month}.json`);
    const data = JSON.parse(json.text) as { month: string; totals: { amountCents: number }[] };
    expect(data.month).toBe(month);
    expect(data.totals.reduce((sum, t) => sum + t.amountCents, 0)).toBe(21120);
    await page.getByText(`Downloaded billing-${month}.json.`).waitFor();
    await browser.screenshot('finance-02-downloaded');
    expect(browser.problems).toEqual([]);
  });
});
