import type { Locale } from '../../ticket';
import { html, layout, paragraphs } from '../html';
import type { RenderedMail } from '../rendered-mail';

export interface AgentReplyData {
  ticketId: string;
  subject: string;
  agentName: string;
  body: string;
  statusUrl: string;
}

const TEXT = {
  de: {
    footer: (d: AgentReplyData) =>
      `Ticket ${d.ticketId} – antworten Sie auf diese E-Mail oder sehen Sie den Stand hier: ${d.statusUrl}`,
  },
  en: {
    footer: (d: AgentReplyData) =>
      `Ticket ${d.ticketId} – reply to this e-mail or follow the ticket here: ${d.statusUrl}`,
  },
} as const;

/** An agent's public message to the customer, threaded under the ticket. */
export function renderAgentReply(data: AgentReplyData, locale: Locale): RenderedMail {
  const subject = `Re: [${data.ticketId}] ${data.subject}`;
  const footer = TEXT[locale].footer(data);
  const text = `${data.body}\n\n-- \n${data.agentName}\n${footer}\n`;
  const body = html`${paragraphs(data.body)}
    <p>-- <br />${data.agentName}</p>
    <p style="color: #555555; font-size: 13px">${footer}</p>`;
  return { subject, text, html: layout(locale, subject, body) };
}
