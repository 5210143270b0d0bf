import { deadlineInWords } from '../../service-levels/deadline-words';
import type { EscalationStage } from '../../service-levels/sla-clock';
import { html, layout } from '../html';
import type { RenderedMail } from '../rendered-mail';

export interface SlaEscalationData {
  ticketId: string;
  subject: string;
  customerName: string;
  severity: string;
  stage: EscalationStage;
  /** The due instant of the target concerned. */
  due: string;
  assignee?: string;
  /** The ticket in the agent console. */
  consoleUrl: string;
}

const WHAT: Record<EscalationStage, { de: string; en: string }> = {
  firstResponseWarning: {
    de: '80 % der Zeit für die erste Antwort sind verbraucht',
    en: '80 % of the time for the first response is used up',
  },
  firstResponseBreach: {
    de: 'Die Frist für die erste Antwort ist überschritten',
    en: 'The first-response deadline has passed',
  },
  resolutionWarning: {
    de: '80 % der Zeit für die Lösung sind verbraucht',
    en: '80 % of the time for the resolution is used up',
  },
  resolutionBreach: {
    de: 'Die Frist für die Lösung ist überschritten',
    en: 'The resolution deadline has passed',
  },
};

/**
 * The escalation mail to the agents (team address or assignee): German first, English
 * below, since the team's language is not the customer's.
 */
export function renderSlaEscalation(data: SlaEscalationData): RenderedMail {
  const what = WHAT[data.stage];
  const breach = data.stage.endsWith('Breach');
  const subject = `[${data.ticketId}] SLA ${breach ? 'verletzt' : 'Warnung'}: ${what.de} (${data.customerName})`;
  const holder = data.assignee ?? '—';
  const text = [
    `${what.de}.`,
    `Ticket ${data.ticketId} „${data.subject}“ von ${data.customerName}, Schwere ${data.severity}, bearbeitet von ${holder}.`,
    `Fällig: ${deadlineInWords(data.due, 'de')}.`,
    '',
    `${what.en}.`,
    `Ticket ${data.ticketId} "${data.subject}" from ${data.customerName}, severity ${data.severity}, held by ${holder}.`,
    `Due: ${deadlineInWords(data.due, 'en')} (Berlin).`,
    '',
    data.consoleUrl,
    '',
  ].join('\n');
  const body = html`<p><strong>${what.de}.</strong></p>
    <p>
      Ticket ${data.ticketId} „${data.subject}“ von ${data.customerName}, Schwere ${data.severity},
      bearbeitet von ${holder}. Fällig: ${deadlineInWords(data.due, 'de')}.
    </p>
    <p><strong>${what.en}.</strong></p>
    <p>
      Ticket ${data.ticketId} "${data.subject}" from ${data.customerName}, severity
      ${data.severity}, held by ${holder}. Due: ${deadlineInWords(data.due, 'en')} (Berlin).
    </p>
    <p><a href="${data.consoleUrl}">${data.consoleUrl}</a></p>`;
  return { subject, text, html: layout('de', subject, body) };
}
