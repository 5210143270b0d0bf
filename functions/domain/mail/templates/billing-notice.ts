import { formatEuro } from '../../money';
import type { Locale } from '../../ticket';
import type { WorkEntry } from '../../work-entry';
import { html, layout } from '../html';
import type { RenderedMail } from '../rendered-mail';

export interface BillingNoticeData {
  ticketId: string;
  subject: string;
  name: string;
  /** The billable entries only. */
  entries: WorkEntry[];
}

const TEXT = {
  de: {
    subject: (d: BillingNoticeData) => `[${d.ticketId}] Leistungsnachweis: ${d.subject}`,
    greeting: (d: BillingNoticeData) => `Guten Tag ${d.name},`,
    intro: (d: BillingNoticeData) =>
      `Ihr Ticket ${d.ticketId} ist erledigt. Folgende Leistungen werden wir Ihnen nach unserer Preisliste in Rechnung stellen:`,
    columns: ['Datum', 'Leistung', 'Minuten', 'Menge', 'Einzelpreis', 'Betrag'],
    total: 'Summe (netto)',
    closing: 'Mit freundlichen Grüßen\nIhr Support-Team',
  },
  en: {
    subject: (d: BillingNoticeData) => `[${d.ticketId}] Billing notice: ${d.subject}`,
    greeting: (d: BillingNoticeData) => `Hello ${d.name},`,
    intro: (d: BillingNoticeData) =>
      `Your ticket ${d.ticketId} is resolved. We will invoice the following services at our list prices:`,
    columns: ['Date', 'Service', 'Minutes', 'Quantity', 'Unit price', 'Amount'],
    total: 'Total (net)',
    closing: 'Kind regards\nYour support team',
  },
} as const;

/** The notice a customer gets when a ticket with billable work is resolved (SPEC §4). */
export function renderBillingNotice(data: BillingNoticeData, locale: Locale): RenderedMail {
  const t = TEXT[locale];
  const totalCents = data.entries.reduce((sum, e) => sum + e.amountCents, 0);
  const rows = data.entries.map((e) => [
    e.date,
    `${e.serviceName} (${e.serviceCode})`,
    String(e.billableMinutes),
    String(e.quantity),
    formatEuro(e.unitPriceCents, locale),
    formatEuro(e.amountCents, locale),
  ]);
  const subject = t.subject(data);
  const text = [
    t.greeting(data),
    '',
    t.intro(data),
    '',
    ...rows.map((r) => `- ${r.join(' | ')}`),
    '',
    `${t.total}: ${formatEuro(totalCents, locale)}`,
    '',
    t.closing,
    '',
  ].join('\n');
  const body = html`<p>${t.greeting(data)}</p>
    <p>${t.intro(data)}</p>
    <table cellpadding="6" style="border-collapse: collapse">
      <thead>
        <tr>
          ${t.columns.map((c) => html`<th align="left">${c}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr>
              ${r.map((cell) => html`<td>${cell}</td>`)}
            </tr> `,
        )}
      </tbody>
      <tfoot>
        <tr>
          <td colspan="5"><strong>${t.total}</strong></td>
          <td><strong>${formatEuro(totalCents, locale)}</strong></td>
        </tr>
      </tfoot>
    </table>
    <p style="white-space: pre-line">${t.closing}</p>`;
  return { subject, text, html: layout(locale, subject, body) };
}
