import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { berlinDay } from '../../functions/domain/calendar';
import { TestStack } from '../integration/harness';
import { openBrowser, type E2eBrowser } from './browser';

/**
 * Sales in a real browser against the real local stack: a contract customer with a fee and
 * work logged this month, two customers without a contract billed for work; the contract
 * report and the upsell leads as tables, sorted, charted, downloaded, in both languages.
 */
let stack: TestStack;
let browser: E2eBrowser;
const month = berlinDay(new Date()).slice(0, 7);

beforeAll(async () => {
  stack = await TestStack.start();
  browser = await openBrowser({ locale: 'en-GB' });
  const admin = await stack.token('carol', ['admins']);
  const agent = await stack.token('alice');
  const customer = async (id: string, body: Record<string, unknown>) => {
    const response = await stack.request('PUT', `/customers/${id}`, { token: admin, body });
    expect(response.status, response.text).toBe(201);
  };
  await customer('acme', {
    name: 'ACME GmbH',
    domains: ['acme.example'],
    contract: {
      id: 'SV-2020-001',
      validFrom: '2020-01-01',
      includedMinutesPerMonth: 60,
      coveredServiceCodes: ['REMOTE'],
      monthlyFeeCents: 25_000,
    },
  });
  await customer('bau', { name: 'Bau & Söhne KG', domains: ['bau.example'] });
  const work = async (email: string, minutes: number, serviceCode: string) => {
    const ticket = await stack.submit({ email, severity: 'high' });
    const response = await stack.request('POST', `/tickets/${ticket.ticketId}/work`, {
      token: agent,
      body: { minutes, serviceCode, description: 'Arbeit' },
    });
    expect(response.status, response.text).toBe(201);
  };
  await work('it@acme.example', 45, 'REMOTE'); // covered: 3 quarter hours' worth
  await work('chef@bau.example', 180, 'ONSITE'); // 3 hours: 435.00
  await work('info@kanzlei.example', 30, 'REMOTE'); // 2 quarter hours: 78.00
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function download(page: Page, form: string, button: string) {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.locator(form).getByRole('button', { name: button, exact: true }).click(),
  ]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

describe('the sales page', () => {
  it('shows the contract report and the upsell leads after sign-in', async () => {
    const { page } = browser;
    await page.goto(`${stack.stack.apiUrl}/sales.html?lang=en`);
    await page.getByLabel('Your user name').fill('sven');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as sven').waitFor();

    const acme = page.locator('#contracts-body tr[data-customer-id="acme"]');
    await acme.waitFor();
    const cells = await acme.locator('td').allTextContents();
    expect(cells.slice(0, 8)).toEqual([
      'SV-2020-001',
      '€250.00',
      '60',
      '45',
      '75 %',
      '€117.00',
      '€0.00',
      '-€133.00',
    ]);
    expect(await acme.locator('svg.trend rect').count()).toBe(12);

    const leads = page.locator('#upsell-body tr');
    await leads.first().waitFor();
    expect(await leads.count()).toBe(2);
    expect(await leads.nth(0).locator('th').textContent()).toBe('Bau & Söhne KG bau');
    expect(await leads.nth(1).locator('th').textContent()).toBe(
      'kanzlei.example (no customer record)',
    );
    expect(await leads.nth(0).locator('td').nth(1).textContent()).toBe('€435.00');
    expect(await leads.nth(0).locator('td').nth(4).textContent()).toBe('0 / 1 / 0 / 0');
    // The chart: one pair of bars per lead, billed beside the reference contract's cost.
    await page.locator('#upsell-chart').waitFor();
    expect(await page.locator('#upsell-chart rect.billed').count()).toBe(3);
    expect(await page.locator('#upsell-chart rect.reference').count()).toBe(3);
    expect(await page.locator('#upsell-reference').textContent()).toContain('€490.00 a month');
    await browser.screenshot('sales-01-reports');
  });

  it('sorts a table by a column, and the other way at the second click', async () => {
    const { page } = browser;
    const names = () => page.locator('#upsell-body tr th').allTextContents();
    const billed = page.locator('#upsell-table thead button', { hasText: 'Billed' });
    await billed.click();
    expect((await names())[0]).toContain('Bau');
    await expect
      .poll(() => page.locator('#upsell-table th[aria-sort]').getAttribute('aria-sort'))
      .toBe('descending');
    await billed.click();
    expect((await names())[0]).toContain('kanzlei.example');
    expect(await page.locator('#upsell-table th[aria-sort]').getAttribute('aria-sort')).toBe(
      'ascending',
    );
  });

  it('downloads both reports as CSV and German-Excel CSV', async () => {
    const { page } = browser;
    const csv = await download(page, '#contracts-form', 'CSV');
    expect(csv.name).toBe(`contracts-${month}.csv`);
    expect(csv.text.split('\n')[0]).toMatch(/^month,customerId,customerName,contractId/);
    expect(csv.text).toContain('ACME GmbH');
    const excel = await download(
      page,
      '#upsell-form',
      'CSV for Excel (German: semicolons, decimal comma)',
    );
    expect(excel.name).toMatch(/^upsell-\d{4}-\d{2}-\d{4}-\d{2}\.excel\.csv$/);
    expect(excel.text.startsWith('\uFEFF')).toBe(true);
    expect(excel.text).toContain('Bau & Söhne KG');
    expect(excel.text).toContain('435,00');
    await page.getByText(`Downloaded ${excel.name}.`).waitFor();
  });

  it('speaks German at a click, and remembers it', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Deutsch' }).click();
    await page.getByRole('heading', { name: 'Vertragsauslastung' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    const acme = page.locator('#contracts-body tr[data-customer-id="acme"]');
    expect(await acme.locator('td').nth(1).textContent()).toBe('250,00 €');
    await page.goto(`${stack.stack.apiUrl}/sales.html`);
    await page.getByRole('heading', { name: 'Kunden ohne Vertrag' }).waitFor();
    await browser.screenshot('sales-02-german');
    expect(browser.problems).toEqual([]);
  });

  it('is closed to agents', async () => {
    const context = await openBrowser({ locale: 'en-GB' });
    try {
      const { page } = context;
      await page.goto(`${stack.stack.apiUrl}/sales.html?lang=en`);
      // The local sign-in asks for a token of the page's group: an agent token never gets in.
      const agent = await stack.token('alice', ['agents']);
      const answer = await page.evaluate(async (token) => {
        const response = await fetch('/reports/upsell', {
          headers: { authorization: `Bearer ${token}` },
        });
        return response.status;
      }, agent);
      expect(answer).toBe(403);
    } finally {
      await context.close();
    }
  });
});
