import { describe, expect, it } from 'vitest';
import {
  renderAcknowledgement,
  type AcknowledgementData,
} from '../../../functions/domain/mail/templates/acknowledgement';
import {
  renderAgentReply,
  type AgentReplyData,
} from '../../../functions/domain/mail/templates/agent-reply';
import {
  renderBillingNotice,
  type BillingNoticeData,
} from '../../../functions/domain/mail/templates/billing-notice';
import type { Locale } from '../../../functions/domain/ticket';
import type { WorkEntry } from '../../../functions/domain/work-entry';

const LOCALES: readonly Locale[] = ['de', 'en'];
const HOSTILE = `<script>alert("pwned" & 'x')</script>`;
const SALES_PHONE = '+49 30 1234567-0';

/** The policy sentences of SPEC §2, in the words a customer reads. */
const POLICY = {
  de: {
    subordinate: 'sobald keine Anfrage mit höherer Priorität wartet',
    noEntitlement: 'ein Anspruch auf Bearbeitung besteht nicht',
    listPrices: 'Preisliste',
    prioritized: 'bevorzugt',
  },
  en: {
    subordinate: 'when no higher-priority request is waiting',
    noEntitlement: 'no entitlement',
    listPrices: 'list prices',
    prioritized: 'priority',
  },
} as const;

/** Text content of an HTML document, roughly: tags dropped, the five entities undone. */
function textOf(html: string): string {
  const entities: Record<string, string> = {
    '&amp;': '&',
    '&lt;': '<',
    '&gt;': '>',
    '&quot;': '"',
    '&#39;': "'",
  };
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => entities[e] ?? e)
    .replace(/\s+/g, ' ');
}

const ack = (overrides: Partial<AcknowledgementData> = {}): AcknowledgementData => ({
  ticketId: 'T-10001',
  subject: 'Drucker druckt nicht',
  name: 'Jörg Müller',
  group: 'standard',
  severity: 'high',
  statusUrl: 'https://support.example.com/status.html?ticket=T-10001&token=tok-1',
  accessToken: 'tok-1',
  salesPhone: SALES_PHONE,
  ...overrides,
});

describe.each(LOCALES)('acknowledgement (%s)', (locale) => {
  const words = POLICY[locale];

  it('carries the ticket number and the customer subject in the subject', () => {
    const mail = renderAcknowledgement(ack(), locale);
    expect(mail.subject).toMatch(/^\[T-10001\] /);
    expect(mail.subject).toContain('Drucker druckt nicht');
  });

  it('greets by name and names ticket, status link and access key in both parts', () => {
    const mail = renderAcknowledgement(ack(), locale);
    for (const part of [mail.text, textOf(mail.html)]) {
      expect(part).toContain('Jörg Müller');
      expect(part).toContain('T-10001');
      expect(part).toContain('https://support.example.com/status.html?ticket=T-10001&token=tok-1');
      expect(part).toContain('tok-1');
    }
    expect(mail.html).toContain(
      'href="https://support.example.com/status.html?ticket=T-10001&amp;token=tok-1"',
    );
  });

  it('says how many requests waited before a standard ticket, and that later ones may overtake', () => {
    const none = renderAcknowledgement(ack({ group: 'standard', waitingBefore: 0 }), locale);
    const one = renderAcknowledgement(ack({ group: 'standard', waitingBefore: 1 }), locale);
    const many = renderAcknowledgement(ack({ group: 'standard', waitingBefore: 12 }), locale);
    // Counted when the request arrived (SPEC §10), not when the mail was written.
    for (const mail of [none, one, many]) {
      expect(mail.text).toContain(
        locale === 'de' ? 'Als Ihre Anfrage einging,' : 'When your request arrived,',
      );
      expect(mail.text).not.toMatch(/Beim Schreiben|was written/);
    }
    expect(none.text).toContain(locale === 'de' ? 'wartete keine Anfrage' : 'no request was');
    expect(one.text).toContain(locale === 'de' ? 'wartete eine Anfrage' : 'one request was');
    for (const part of [many.text, textOf(many.html)]) {
      expect(part).toContain(
        locale === 'de' ? '12 Anfragen vor Ihrer' : '12 requests were waiting',
      );
      expect(part).toContain(
        locale === 'de' ? 'Wartungsvertrag oder höherer' : 'service contract or of higher',
      );
    }
    const contract = renderAcknowledgement(ack({ group: 'contract', waitingBefore: 12 }), locale);
    expect(contract.text).not.toContain('12');
  });

  it('names the severity in the language of the mail', () => {
    const mail = renderAcknowledgement(ack({ severity: 'critical' }), locale);
    expect(mail.text).toContain(locale === 'de' ? 'kritisch' : 'critical');
  });

  it('tells the standard group: subordinate handling, no entitlement, list prices, sales', () => {
    const mail = renderAcknowledgement(ack({ group: 'standard' }), locale);
    for (const part of [mail.text, textOf(mail.html)]) {
      expect(part).toContain(words.subordinate);
      expect(part).toContain(words.noEntitlement);
      expect(part).toContain(words.listPrices);
      expect(part).toContain(SALES_PHONE);
    }
  });

  it('tells the contract group: prioritized handling, and no sales pitch', () => {
    const mail = renderAcknowledgement(ack({ group: 'contract' }), locale);
    for (const part of [mail.text, textOf(mail.html)]) {
      expect(part).toContain(words.prioritized);
      expect(part).not.toContain(SALES_PHONE);
      expect(part).not.toContain(words.subordinate);
      expect(part).not.toContain(words.noEntitlement);
    }
  });

  it('names the first-response deadline of a contract ticket in words (SPEC §9)', () => {
    const responseDue = { at: '2026-12-08T09:00:00.000Z', timeZone: 'Europe/Berlin' };
    const mail = renderAcknowledgement(ack({ group: 'contract', responseDue }), locale);
    const expected =
      locale === 'de'
        ? 'Wir melden uns spätestens bis Dienstag, 8. Dezember, 10:00 Uhr.'
        : 'We will get back to you by Tuesday, 8 December, 10:00 (German time) at the latest.';
    for (const part of [mail.text, textOf(mail.html)]) expect(part).toContain(expected);
    // A standard ticket has no deadline, even if one were passed.
    const standard = renderAcknowledgement(ack({ group: 'standard', responseDue }), locale);
    expect(standard.text).not.toContain(locale === 'de' ? 'spätestens' : 'at the latest');
  });

  it('escapes a hostile subject and name in HTML and keeps them verbatim in text', () => {
    const mail = renderAcknowledgement(ack({ subject: HOSTILE, name: HOSTILE }), locale);
    expect(mail.html).not.toContain('<script');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;pwned&quot; &amp; &#39;x&#39;)');
    expect(mail.text).toContain(HOSTILE);
    expect(mail.subject).toContain(HOSTILE);
    expect(mail.html).toContain(`<title>[T-10001] `);
  });

  it('is an HTML document in the language of the mail', () => {
    const mail = renderAcknowledgement(ack(), locale);
    expect(mail.html).toMatch(/^<!doctype html>/i);
    expect(mail.html).toContain(`<html lang="${locale}">`);
    expect(mail.html).toContain('charset="utf-8"');
  });
});

describe('acknowledgement languages', () => {
  it('differ between German and English', () => {
    const de = renderAcknowledgement(ack(), 'de');
    const en = renderAcknowledgement(ack(), 'en');
    expect(de.subject).toContain('Eingangsbestätigung');
    expect(en.subject).toContain('We received your request');
    expect(de.text).toContain('Guten Tag Jörg Müller');
    expect(en.text).toContain('Hello Jörg Müller');
  });
});

const reply = (overrides: Partial<AgentReplyData> = {}): AgentReplyData => ({
  ticketId: 'T-10001',
  subject: 'Drucker druckt nicht',
  agentName: 'Petra Schmidt',
  body: 'Guten Tag,\nbitte starten Sie den Drucker neu.\n\nViele Grüße',
  statusUrl: 'https://support.example.com/status.html?ticket=T-10001',
  ...overrides,
});

describe.each(LOCALES)('agent reply (%s)', (locale) => {
  it('answers under the ticket number and the customer subject', () => {
    expect(renderAgentReply(reply(), locale).subject).toBe('Re: [T-10001] Drucker druckt nicht');
  });

  it('carries the body, the agent and the status link', () => {
    const mail = renderAgentReply(reply(), locale);
    expect(mail.text).toContain('Guten Tag,\nbitte starten Sie den Drucker neu.\n\nViele Grüße');
    expect(mail.text).toContain('Petra Schmidt');
    expect(mail.text).toContain('https://support.example.com/status.html?ticket=T-10001');
    expect(mail.html).toContain('<p>Guten Tag,<br>bitte starten Sie den Drucker neu.</p>');
    expect(mail.html).toContain('<p>Viele Grüße</p>');
    expect(mail.html).toContain('Petra Schmidt');
  });

  it('escapes hostile body, agent name and subject in HTML, keeps them in text', () => {
    const mail = renderAgentReply(
      reply({ body: HOSTILE, agentName: HOSTILE, subject: HOSTILE }),
      locale,
    );
    expect(mail.html).not.toContain('<script');
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.text).toContain(HOSTILE);
    expect(mail.subject).toBe(`Re: [T-10001] ${HOSTILE}`);
  });

  it('is an HTML document in the language of the mail', () => {
    expect(renderAgentReply(reply(), locale).html).toContain(`<html lang="${locale}">`);
  });
});

function entry(overrides: Partial<WorkEntry> & { entryId: string }): WorkEntry {
  return {
    ticketId: 'T-10001',
    agent: 'petra',
    date: '2026-05-04',
    minutes: 50,
    serviceCode: 'REMOTE',
    serviceName: 'Remote support',
    description: 'Printer driver reinstalled',
    coveredMinutes: 0,
    billableMinutes: 50,
    quantity: 4,
    unitPriceCents: 2999,
    amountCents: 11996,
    currency: 'EUR',
    unit: 'quarter_hour',
    priceListVersion: 1,
    customer: { id: 'acme', name: 'ACME GmbH' },
    recordedAt: '2026-05-04T09:00:00.000Z',
    ...overrides,
  };
}

const entries: WorkEntry[] = [
  entry({ entryId: 'w1' }),
  entry({
    entryId: 'w2',
    date: '2026-05-05',
    minutes: 120,
    serviceCode: 'ONSITE',
    serviceName: 'On-site visit',
    coveredMinutes: 0,
    billableMinutes: 120,
    quantity: 1,
    unitPriceCents: 150000,
    amountCents: 150000,
  }),
  entry({
    entryId: 'w3',
    date: '2026-05-06',
    minutes: 37,
    serviceCode: 'PHONE',
    serviceName: 'Telephone support',
    coveredMinutes: 30,
    billableMinutes: 7,
    quantity: 7,
    unitPriceCents: 133,
    amountCents: 931,
  }),
];

const notice = (overrides: Partial<BillingNoticeData> = {}): BillingNoticeData => ({
  ticketId: 'T-10001',
  subject: 'Drucker druckt nicht',
  name: 'Jörg Müller',
  entries,
  ...overrides,
});

describe('billing notice', () => {
  it('carries the ticket number and the customer subject in the subject', () => {
    for (const locale of LOCALES) {
      const mail = renderBillingNotice(notice(), locale);
      expect(mail.subject).toMatch(/^\[T-10001\] /);
      expect(mail.subject).toContain('Drucker druckt nicht');
    }
  });

  it('lists each entry with date, service, minutes, quantity, unit price and amount (de)', () => {
    const mail = renderBillingNotice(notice(), 'de');
    expect(mail.text).toContain(
      '- 2026-05-04 | Remote support (REMOTE) | 50 | 4 | 29,99 € | 119,96 €',
    );
    expect(mail.text).toContain(
      '- 2026-05-05 | On-site visit (ONSITE) | 120 | 1 | 1.500,00 € | 1.500,00 €',
    );
    expect(mail.text).toContain(
      '- 2026-05-06 | Telephone support (PHONE) | 7 | 7 | 1,33 € | 9,31 €',
    );
    for (const cell of ['2026-05-04', 'Remote support (REMOTE)', '29,99 €', '119,96 €', '9,31 €']) {
      expect(mail.html).toContain(`<td>${cell}</td>`);
    }
    expect(mail.html.match(/<tr>/g)).toHaveLength(1 + entries.length + 1);
  });

  it('lists each entry in English formats (en)', () => {
    const mail = renderBillingNotice(notice(), 'en');
    expect(mail.text).toContain(
      '- 2026-05-04 | Remote support (REMOTE) | 50 | 4 | €29.99 | €119.96',
    );
    expect(mail.text).toContain(
      '- 2026-05-05 | On-site visit (ONSITE) | 120 | 1 | €1,500.00 | €1,500.00',
    );
    expect(mail.html).toContain('<td>€1,500.00</td>');
  });

  it('totals the amounts in integer cents', () => {
    // 11996 + 150000 + 931 = 162927 cents
    const de = renderBillingNotice(notice(), 'de');
    const en = renderBillingNotice(notice(), 'en');
    expect(de.text).toContain('Summe (netto): 1.629,27 €');
    expect(en.text).toContain('Total (net): €1,629.27');
    expect(de.html).toContain('<strong>1.629,27 €</strong>');
    expect(en.html).toContain('<strong>€1,629.27</strong>');
  });

  it('adds amounts that floats would get wrong exactly', () => {
    const cents = [10, 20, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    const mail = renderBillingNotice(
      notice({
        entries: cents.map((amountCents, i) =>
          entry({ entryId: `c${i}`, quantity: 1, unitPriceCents: amountCents, amountCents }),
        ),
      }),
      'en',
    );
    expect(mail.text).toContain('Total (net): €0.40');
  });

  it('escapes a hostile subject, name and service in HTML, keeps them in text', () => {
    for (const locale of LOCALES) {
      const mail = renderBillingNotice(
        notice({
          subject: HOSTILE,
          name: HOSTILE,
          entries: [entry({ entryId: 'h', serviceName: HOSTILE })],
        }),
        locale,
      );
      expect(mail.html).not.toContain('<script');
      expect(mail.html).toContain('&lt;script&gt;');
      expect(mail.text).toContain(HOSTILE);
      expect(mail.subject).toContain(HOSTILE);
    }
  });

  it('is an HTML document in the language of the mail', () => {
    for (const locale of LOCALES) {
      expect(renderBillingNotice(notice(), locale).html).toContain(`<html lang="${locale}">`);
    }
  });

  it('speaks German and English', () => {
    expect(renderBillingNotice(notice(), 'de').html).toContain('<th align="left">Einzelpreis</th>');
    expect(renderBillingNotice(notice(), 'en').html).toContain('<th align="left">Unit price</th>');
  });
});
