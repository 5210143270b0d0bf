import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestStack, type SubmittedTicket } from '../integration/harness';
import { downloadFrom, openBrowser, type E2eBrowser } from './browser';

/**
 * Staff in a real browser against the real local stack: an admin sets up a contract
 * customer on the customers page; an agent signs in, sees the queue in priority order,
 * claims the next ticket, replies publicly and internally, changes severity and status,
 * logs work priced from the price list, sees and downloads the files of the ticket and of
 * a mailed reply (a refused one with its reason) and adds one, and releases the ticket;
 * the customer sees the public reply (not the internal note) and the agent's file on the
 * status page.
 */
const CLIENT_LOG = Buffer.from(
  'VPN client 5.2\n09:00:02 TLS handshake failed: certificate expired\n',
);
const ROUTES = Buffer.from('0.0.0.0/0 via 10.8.0.1 dev tun0\n');
const PROFILE = Buffer.from('client\ndev tun\nremote vpn.acme.example 1194\n');
let stack: TestStack;
let browser: E2eBrowser;

beforeAll(async () => {
  stack = await TestStack.start();
  browser = await openBrowser({ locale: 'en-GB' });
  // Page time runs as usual, but the test can jump ahead to the console's next refresh.
  await browser.context.clock.install();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('admin', () => {
  it('creates a contract customer with domains, contacts and contract', async () => {
    const { page } = browser;
    await page.goto(`${stack.stack.apiUrl}/admin.html`);
    await page.getByLabel('Your user name').fill('carol');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as carol').waitFor();

    await page.getByRole('button', { name: 'New customer' }).click();
    await page.getByLabel('Customer id').fill('acme');
    await page.getByLabel('Customer name').fill('ACME GmbH');
    await page.getByLabel('Mail domains').fill('acme.example\nnot a domain');
    await page.getByLabel('Contact 1: e-mail').fill('it@acme.example');
    await page.locator('#contact-0-name').fill('IT Desk');
    await page.getByLabel('This customer has a service & maintenance contract').check();
    await page.getByLabel('Contract number').fill('SV-2020-001');
    await page.getByLabel('Valid from').fill('2020-01-01');
    await page.getByLabel('Included minutes per month').fill('600');
    await page.getByLabel('REMOTE (Fernwartung)').check();
    await page.getByRole('button', { name: 'Save customer' }).click();

    // The API refuses the second domain; the page says so next to the field.
    await page.locator('#domains-error').waitFor();
    expect(await page.locator('#domains-error').textContent()).toContain('line 2');
    expect(await page.locator('#customer-domains').getAttribute('aria-invalid')).toBe('true');
    await browser.screenshot('admin-01-field-error');

    await page.getByLabel('Mail domains').fill('acme.example');
    await page.getByRole('button', { name: 'Save customer' }).click();
    await page.getByText('Saved ACME GmbH (created).').waitFor();
    const row = page.locator('#customers-body tr[data-customer-id="acme"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('SV-2020-001');
    await browser.screenshot('admin-02-saved');

    const stored = await stack.request('GET', '/customers/acme', {
      token: await stack.token('carol', ['admins']),
    });
    expect(stored.json).toMatchObject({
      name: 'ACME GmbH',
      domains: ['acme.example'],
      contacts: [{ email: 'it@acme.example', name: 'IT Desk' }],
      contract: {
        id: 'SV-2020-001',
        includedMinutesPerMonth: 600,
        coveredServiceCodes: ['REMOTE'],
      },
    });
  });

  it('marks a contact "own tickets only" for the portal, and keeps it when the customer is saved again', async () => {
    const { page } = browser;
    const admin = await stack.token('carol', ['admins']);
    const contacts = async () =>
      (await stack.request('GET', '/customers/acme', { token: admin })).json.contacts;
    const edit = async () => {
      await page.locator('#customers-body tr[data-customer-id="acme"] button').first().click();
      await page.getByLabel('Contact 1: e-mail').waitFor();
    };
    await edit();
    await page.getByRole('button', { name: 'Add contact' }).click();
    await page.getByLabel('Contact 2: e-mail').fill('solo@acme.example');
    await page.locator('#contact-1-ownTicketsOnly').check();
    await page.getByRole('button', { name: 'Save customer' }).click();
    await page.getByText('Saved ACME GmbH (updated).').waitFor();
    const marked = [
      { email: 'it@acme.example', name: 'IT Desk' },
      { email: 'solo@acme.example', ownTicketsOnly: true },
    ];
    expect(await contacts()).toEqual(marked);

    // Saved again without touching the contacts (here: a new domain), the mark stays.
    await edit();
    expect(await page.locator('#contact-1-ownTicketsOnly').isChecked()).toBe(true);
    expect(await page.locator('#contact-0-ownTicketsOnly').isChecked()).toBe(false);
    await page.getByLabel('Mail domains').fill('acme.example\nacme.de');
    await page.getByRole('button', { name: 'Save customer' }).click();
    await expect
      .poll(
        async () => (await stack.request('GET', '/customers/acme', { token: admin })).json.domains,
      )
      .toEqual(['acme.example', 'acme.de']);
    expect(await contacts()).toEqual(marked);
  });
});

describe('agent', () => {
  const tickets: Record<string, SubmittedTicket> = {};

  it('signs in and sees the queue in priority order', async () => {
    tickets.standardNormal = await stack.submit({
      email: 'erika@example.org',
      subject: 'Printer queue stuck',
      severity: 'normal',
    });
    tickets.contractLow = await stack.submit({
      name: 'Max Muster',
      email: 'max@acme.example',
      subject: 'Question about the licence',
      severity: 'low',
    });
    tickets.standardCritical = await stack.submit({
      name: 'Lea Lang',
      email: 'lea@example.net',
      subject: 'Shop is down',
      severity: 'critical',
    });
    tickets.contractHigh = await stack.submit({
      name: 'IT Desk',
      email: 'it@acme.example',
      subject: 'VPN fails for all users',
      description: 'Since 9:00 no one can connect to the VPN.',
      severity: 'high',
      locale: 'en',
    });
    const expected = ['contractHigh', 'contractLow', 'standardCritical', 'standardNormal'].map(
      (key) => tickets[key]?.ticketId,
    );
    const apiOrder = (await stack.queue(await stack.token('alice'))).map((item) => item.ticketId);
    expect(apiOrder).toEqual(expected);

    const { page } = browser;
    await page.goto(`${stack.stack.apiUrl}/console.html`);
    await page.getByLabel('Your user name').waitFor();
    await browser.screenshot('agent-00-sign-in');
    await page.getByLabel('Your user name').fill('alice');
    await page.keyboard.press('Enter');
    await page.getByText('Signed in as alice').waitFor();
    await expect.poll(() => page.locator('#queue-body tr').count()).toBe(4);
    const shown = await page
      .locator('#queue-body tr')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-ticket-id')));
    expect(shown).toEqual(expected);
    const first = page.locator('#queue-body tr').first();
    expect(await first.textContent()).toContain('Contract');
    expect(await first.textContent()).toContain('High');
    expect(await first.textContent()).toContain('ACME GmbH');
    // Web-form requesters have not proven their address yet (SPEC §14): marked for agents.
    expect(await first.locator('.badge.unverified').textContent()).toBe('unverified');
    expect(await page.locator('#queue-body tr').nth(2).textContent()).toContain('Critical');
    await browser.screenshot('agent-01-queue');
  });

  it('refreshes the queue without reloading the page, on its own and by the button', async () => {
    const { page } = browser;
    await page.evaluate('window.notReloaded = true');
    const extra = await stack.submit({
      email: 'late@example.org',
      subject: 'Late one',
      severity: 'low',
    });
    await browser.context.clock.fastForward(16_000);
    await page
      .locator(`#queue-body tr[data-ticket-id="${extra.ticketId}"]`)
      .waitFor({ timeout: 5_000 });
    expect(await page.locator('#queue-body tr').count()).toBe(5);
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    await page.getByRole('button', { name: 'Refresh' }).click();
    expect(await page.evaluate('window.notReloaded')).toBe(true);
  });

  it('claims the next ticket, replies, writes an internal note, changes severity and status', async () => {
    const { page } = browser;
    const id = tickets.contractHigh?.ticketId as string;
    await page.getByRole('button', { name: 'Claim next ticket' }).click();
    await page.getByRole('heading', { name: id }).waitFor();
    expect(await page.locator('#ticket-facts').textContent()).toContain('alice (you)');
    expect(await page.locator('#ticket-facts').textContent()).toContain('In progress');
    expect(await page.locator('#ticket-facts').textContent()).toContain('unverified address');
    expect(await page.locator('#conversation').textContent()).toContain('no one can connect');
    await expect.poll(() => page.locator('#queue-body tr').count()).toBe(4);
    // The claimed ticket is listed under "My tickets", linking to it.
    const held = page.locator('#held-list li');
    await expect.poll(() => held.count()).toBe(1);
    expect(await held.textContent()).toContain(`${id} High In progress`);
    expect(await held.locator('a').getAttribute('href')).toBe(`#${id}`);
    await browser.screenshot('agent-02-claimed');

    await page.getByLabel('Message').fill('We are looking into it. Please send us the VPN log.');
    await page.getByRole('button', { name: 'Send reply to customer' }).click();
    await page.getByText('Reply sent: it is mailed to the customer.').waitFor();
    await page.getByLabel('Message').fill('Probably the expired certificate again.');
    await page.getByLabel(/Internal note/).check();
    await page.getByRole('button', { name: 'Add internal note' }).click();
    await page.getByText('Internal note added.').waitFor();
    expect(await page.locator('#conversation > li').count()).toBe(3);
    expect(await page.locator('#conversation > li.internal').textContent()).toContain(
      'certificate',
    );

    await page.getByLabel('Severity', { exact: true }).selectOption('critical');
    await page.getByLabel('Status', { exact: true }).selectOption('waiting_customer');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Saved: severity Critical, status Waiting for the customer.').waitFor();
    expect(await page.locator('#ticket-facts').textContent()).toContain('Waiting for the customer');
    await expect
      .poll(() => page.locator('#held-list li').textContent())
      .toContain(`${id} Critical Waiting for the customer`);

    // An invalid transition is refused by the API and the page says why.
    await page.getByLabel('Status', { exact: true }).selectOption('closed');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page
      .getByText(/The change was refused: .*cannot go from 'waiting_customer' to 'closed'/)
      .waitFor();
    await browser.screenshot('agent-03-changed');
  });

  it('logs work with a service from the price list and sees the amount', async () => {
    const { page } = browser;
    await page.getByLabel('Service').selectOption('REMOTE');
    await page.getByLabel('Minutes worked').fill('50');
    // 50 minutes are 4 started quarter hours at €39.00.
    expect(await page.locator('#work-estimate').textContent()).toContain('4 × €39.00 = €156.00');
    await page.getByLabel('What was done').fill('Renewed the VPN certificate');
    await page.getByRole('button', { name: 'Log work' }).click();
    const result = page.locator('#work-result');
    await result.getByText('Logged 50 min of REMOTE').waitFor();
    // The contract covers REMOTE with 600 minutes a month: nothing of it is billed.
    expect(await result.textContent()).toContain(
      '50 min covered by the contract, 0 min billable → 0 × €39.00 = €0.00',
    );
    await expect.poll(() => page.locator('#work-entries-body tr').count()).toBe(1);

    // Travel is not covered: a flat charge per entry.
    await page.getByLabel('Service').selectOption('TRAVEL');
    await page.getByLabel('Minutes worked').fill('40');
    expect(await page.locator('#work-estimate').textContent()).toContain('1 × €89.00 = €89.00');
    await page.getByLabel('What was done').fill('Drive to the customer');
    await page.getByRole('button', { name: 'Log work' }).click();
    await result.getByText('Logged 40 min of TRAVEL').waitFor();
    expect(await result.textContent()).toContain('40 min billable → 1 × €89.00 = €89.00');
    await expect.poll(() => page.locator('#work-entries-body tr').count()).toBe(2);
    await browser.screenshot('agent-04-work-logged');

    await page.getByLabel('Minutes worked').fill('0');
    await page.getByLabel('What was done').fill('');
    await page.getByRole('button', { name: 'Log work' }).click();
    await page.locator('#minutes-error').waitFor();
    expect(await page.locator('#work-minutes').getAttribute('aria-invalid')).toBe('true');
  });

  it('sees the files of the ticket and of a mailed reply, downloads them and adds one', async () => {
    const { page } = browser;
    const ticket = tickets.contractHigh as SubmittedTicket;
    const id = ticket.ticketId;
    // The customer added a file on the status page …
    const uploaded = await stack.request('POST', `/tickets/${id}/attachments`, {
      headers: { 'x-ticket-token': ticket.accessToken },
      body: {
        filename: 'vpn-client.log',
        contentType: 'text/plain',
        contentBase64: CLIENT_LOG.toString('base64'),
      },
    });
    expect(uploaded.status).toBe(201);
    // … and answers the agent's question by mail, with a file.
    const smtp = createTransport({
      host: '127.0.0.1',
      port: stack.stack.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await smtp.sendMail({
        from: 'IT Desk <it@acme.example>',
        to: 'support@servicedesk.test',
        subject: `Re: [${id}] VPN fails for all users`,
        text: 'Here is our routing table.',
        attachments: [{ filename: 'routes.txt', contentType: 'text/plain', content: ROUTES }],
      });
    } finally {
      smtp.close();
    }
    const agent = await stack.token('alice');
    await expect
      .poll(
        async () => {
          const view = await stack.request('GET', `/tickets/${id}`, { token: agent });
          return JSON.stringify(view.json.messages ?? []);
        },
        { timeout: 20_000, interval: 250 },
      )
      .toContain('routes.txt');

    // A mail may bring a file that is not stored (over 10 MB). The local SMTP stand-in takes
    // no mail that large, so the ticket as the page receives it gets one added here.
    await page.route(
      `**/tickets/${id}`,
      async (route) => {
        const response = await route.fetch();
        const json = (await response.json()) as { attachments?: unknown[] };
        json.attachments = [
          ...(json.attachments ?? []),
          {
            filename: 'database-dump.bak',
            contentType: 'application/octet-stream',
            size: 12 * 1024 * 1024,
            rejected: 'larger than 10485760 bytes',
          },
        ];
        await route.fulfill({ response, json });
      },
      { times: 1 },
    );
    await page.getByRole('button', { name: 'Reload' }).click();
    await page.getByText('Here is our routing table.').waitFor();
    expect(await page.locator('#ticket-files li').allTextContents()).toEqual([
      `Download vpn-client.log (${CLIENT_LOG.length} bytes)`,
      'database-dump.bak (12 MB) – not stored: larger than 10 MB',
    ]);
    const reply = page.locator('#conversation > li', { hasText: 'Here is our routing table.' });
    expect(await reply.locator('.file-list li').allTextContents()).toEqual([
      `Download routes.txt (${ROUTES.length} bytes)`,
    ]);
    expect(await page.getByRole('button', { name: 'Download database-dump.bak' }).count()).toBe(0);
    await browser.screenshot('agent-05-files');

    const log = await downloadFrom(
      page,
      page.getByRole('button', { name: 'Download vpn-client.log' }),
    );
    expect(log.bytes.equals(CLIENT_LOG)).toBe(true);
    await page.getByRole('heading', { name: id }).waitFor();
    const routes = await downloadFrom(
      page,
      reply.getByRole('button', { name: 'Download routes.txt' }),
    );
    expect(routes.bytes.equals(ROUTES)).toBe(true);
    await page.getByRole('heading', { name: id }).waitFor();

    await page.getByLabel('Add files').setInputFiles({
      name: 'vpn-profile.ovpn',
      mimeType: 'application/x-openvpn-profile',
      buffer: PROFILE,
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText(`1 of 1 file attached to ${id}.`).waitFor();
    await expect
      .poll(() => page.locator('#ticket-files li').allTextContents())
      .toContain(`Download vpn-profile.ovpn (${PROFILE.length} bytes)`);
    await browser.screenshot('agent-06-file-added');
  });

  it('releases the ticket back to its place in the queue', async () => {
    const { page } = browser;
    const id = tickets.contractHigh?.ticketId as string;
    await page.getByRole('button', { name: 'Release to queue' }).click();
    await page.getByText(`${id} is back in the queue at its original place.`).waitFor();
    expect(await page.locator('#ticket-facts').textContent()).toContain(
      'Open (waiting in the queue)',
    );
    await expect
      .poll(() => page.locator('#queue-body tr').first().getAttribute('data-ticket-id'))
      .toBe(id);
    expect(await page.locator('#queue-body tr').count()).toBe(5);
    await browser.screenshot('agent-07-released');
  });

  it('shows the customer the public reply but not the internal note', async () => {
    const ticket = tickets.contractHigh as SubmittedTicket;
    const customerPage = await browser.context.newPage();
    await customerPage.goto(
      `${stack.stack.apiUrl}/status.html?ticket=${ticket.ticketId}&token=${encodeURIComponent(ticket.accessToken)}`,
    );
    await customerPage.getByText('Please send us the VPN log.').waitFor();
    expect(await customerPage.locator('#conversation').textContent()).not.toContain('certificate');
    expect(await customerPage.locator('#conversation').textContent()).toContain('Support (alice)');
    expect(await customerPage.locator('#ticket-files li').allTextContents()).toEqual([
      `Download vpn-client.log (${CLIENT_LOG.length} bytes)`,
      `Download vpn-profile.ovpn (${PROFILE.length} bytes)`,
    ]);
    // The customer's own mailed file is with their message.
    expect(await customerPage.locator('#conversation .file-list li').allTextContents()).toEqual([
      `Download routes.txt (${ROUTES.length} bytes)`,
    ]);
    await browser.screenshot('agent-08-customer-sees-reply', customerPage);
    await customerPage.close();
    const mails = await stack.mailTo((mail) => mail.subject.includes(ticket.ticketId));
    expect(mails.map((mail) => mail.body.text ?? '').join('\n')).toContain(
      'Please send us the VPN log.',
    );
    expect(browser.problems).toEqual([]);
  });
});
