import { deadlineInWords } from '../../service-levels/deadline-words';
import type { Group, Locale, Severity } from '../../ticket';
import { html, layout } from '../html';
import type { RenderedMail } from '../rendered-mail';

export interface AcknowledgementData {
  ticketId: string;
  subject: string;
  name: string;
  group: Group;
  severity: Severity;
  statusUrl: string;
  accessToken: string;
  /** Sales hotline for a service contract (configuration). */
  salesPhone: string;
  /** Standard tickets: how many requests waited before it when it was received (SPEC §10). */
  waitingBefore?: number;
  /** A contract ticket's first-response deadline and the plan's time zone (SPEC §9). */
  responseDue?: { at: string; timeZone: string };
  /** The link that confirms the requester's address; only while it is not verified. */
  confirmUrl?: string;
}

const SEVERITY: Record<Locale, Record<Severity, string>> = {
  de: { critical: 'kritisch', high: 'hoch', normal: 'normal', low: 'niedrig' },
  en: { critical: 'critical', high: 'high', normal: 'normal', low: 'low' },
};

const TEXT = {
  de: {
    subject: (d: AcknowledgementData) => `[${d.ticketId}] Eingangsbestätigung: ${d.subject}`,
    greeting: (d: AcknowledgementData) => `Guten Tag ${d.name},`,
    received: (d: AcknowledgementData) =>
      `vielen Dank für Ihre Anfrage „${d.subject}“. Wir haben sie unter der Ticketnummer ${d.ticketId} mit der Dringlichkeit „${SEVERITY.de[d.severity]}“ aufgenommen.`,
    contract:
      'Sie haben einen Service- und Wartungsvertrag mit uns: Ihre Anfrage wird bevorzugt und im Rahmen Ihres Vertrags bearbeitet.',
    standard: (d: AcknowledgementData) =>
      `Für Ihr Unternehmen besteht kein Service- und Wartungsvertrag. Ihre Anfrage wird bearbeitet, sobald keine Anfrage mit höherer Priorität wartet; ein Anspruch auf Bearbeitung besteht nicht, und alle Leistungen werden nach unserer aktuellen Preisliste berechnet. Einen Servicevertrag mit bevorzugter Bearbeitung bietet Ihnen unser Vertrieb an: ${d.salesPhone}.`,
    waiting: (n: number) =>
      n === 0
        ? 'Als Ihre Anfrage einging, wartete keine Anfrage vor Ihrer.'
        : n === 1
          ? 'Als Ihre Anfrage einging, wartete eine Anfrage vor Ihrer. Später eingehende Anfragen mit Wartungsvertrag oder höherer Dringlichkeit werden vor Ihrer bearbeitet.'
          : `Als Ihre Anfrage einging, warteten ${n} Anfragen vor Ihrer. Später eingehende Anfragen mit Wartungsvertrag oder höherer Dringlichkeit werden vor Ihrer bearbeitet.`,
    deadline: (due: string) => `Wir melden uns spätestens bis ${due}.`,
    follow:
      'Den Stand Ihrer Anfrage und Ihren aktuellen Platz in der Warteschlange sehen Sie hier:',
    token: 'Ihr Zugangsschlüssel zu diesem Ticket',
    confirm:
      'Bitte bestätigen Sie, dass diese E-Mail-Adresse Ihnen gehört – dann wissen wir, dass Antworten von dieser Adresse von Ihnen stammen:',
    reply: 'Antworten Sie einfach auf diese E-Mail, um uns weitere Informationen zu senden.',
    closing: 'Mit freundlichen Grüßen\nIhr Support-Team',
  },
  en: {
    subject: (d: AcknowledgementData) => `[${d.ticketId}] We received your request: ${d.subject}`,
    greeting: (d: AcknowledgementData) => `Hello ${d.name},`,
    received: (d: AcknowledgementData) =>
      `thank you for your request "${d.subject}". We have logged it as ticket ${d.ticketId} with severity "${SEVERITY.en[d.severity]}".`,
    contract:
      'You have a service & maintenance contract with us: your request is handled with priority and under the terms of your contract.',
    standard: (d: AcknowledgementData) =>
      `Your company has no service & maintenance contract. Your request will be handled when no higher-priority request is waiting; there is no entitlement to support, and all services are billed at our current list prices. Our sales team will be glad to offer you a service contract with prioritized support: ${d.salesPhone}.`,
    waiting: (n: number) =>
      n === 0
        ? 'When your request arrived, no request was waiting before yours.'
        : n === 1
          ? 'When your request arrived, one request was waiting before yours. Requests under a service contract or of higher urgency that arrive later are handled before yours.'
          : `When your request arrived, ${n} requests were waiting before yours. Requests under a service contract or of higher urgency that arrive later are handled before yours.`,
    deadline: (due: string) => `We will get back to you by ${due} at the latest.`,
    follow: 'Follow your request and its current place in the queue here:',
    token: 'Your access key for this ticket',
    confirm:
      'Please confirm that this e-mail address is yours, so that we know replies from it come from you:',
    reply: 'Simply reply to this e-mail to send us more information.',
    closing: 'Kind regards\nYour support team',
  },
} as const;

/** The acknowledgement every new ticket gets, with the policy of its group (SPEC §2). */
export function renderAcknowledgement(data: AcknowledgementData, locale: Locale): RenderedMail {
  const t = TEXT[locale];
  const due =
    data.group === 'contract' && data.responseDue
      ? t.deadline(
          deadlineInWords(data.responseDue.at, locale, data.responseDue.timeZone) +
            (locale === 'en' && data.responseDue.timeZone === 'Europe/Berlin'
              ? ' (German time)'
              : ''),
        )
      : undefined;
  const policy =
    data.group === 'contract' ? (due ? `${t.contract} ${due}` : t.contract) : t.standard(data);
  const waiting =
    data.group === 'standard' && data.waitingBefore !== undefined
      ? t.waiting(data.waitingBefore)
      : undefined;
  const subject = t.subject(data);
  const text = [
    t.greeting(data),
    '',
    t.received(data),
    '',
    policy,
    '',
    ...(waiting ? [waiting, ''] : []),
    `${t.follow} ${data.statusUrl}`,
    `${t.token}: ${data.accessToken}`,
    '',
    ...(data.confirmUrl ? [`${t.confirm} ${data.confirmUrl}`, ''] : []),
    t.reply,
    '',
    t.closing,
    '',
  ].join('\n');
  const body = html`<p>${t.greeting(data)}</p>
    <p>${t.received(data)}</p>
    <p><strong>${policy}</strong></p>
    ${waiting ? html`<p>${waiting}</p>` : undefined}
    <p>
      ${t.follow} <a href="${data.statusUrl}">${data.statusUrl}</a><br />
      ${t.token}: <code>${data.accessToken}</code>
    </p>
    ${
      data.confirmUrl
        ? html`<p>${t.confirm} <a href="${data.confirmUrl}">${data.confirmUrl}</a></p>`
        : ''
    }
    <p>${t.reply}</p>
    <p style="white-space: pre-line">${t.closing}</p>`;
  return { subject, text, html: layout(locale, subject, body) };
}
