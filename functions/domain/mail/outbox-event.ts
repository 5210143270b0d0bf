import type { EscalationStage } from '../service-levels/sla-clock';

/**
 * What the request path asks the mailer to send. Events carry ids, not content: the mailer
 * reads the current ticket, so a retried event renders what is true when it is sent.
 * `eventId` is deterministic, so a mail is sent once per event however often it is queued.
 */
export type OutboxEvent =
  | {
      kind: 'acknowledgement';
      eventId: string;
      ticketId: string;
      accessToken: string;
      /** The customer's Message-ID, when the ticket came by mail: the ack answers it. */
      inReplyTo?: string;
    }
  | { kind: 'agent-reply'; eventId: string; ticketId: string; messageId: string }
  | { kind: 'billing-notice'; eventId: string; ticketId: string }
  | {
      kind: 'sla-escalation';
      eventId: string;
      ticketId: string;
      stage: EscalationStage;
      /** The agents' team address, or the agent holding the ticket. */
      recipient: 'team' | 'assignee';
      assignee?: string;
    }
  | {
      kind: 'finance-notice';
      eventId: string;
      month: string;
      files: { format: string; bucket: string; key: string }[];
      entries: number;
      amountCents: number;
    };

/** Events about one ticket (all but the finance notice). */
export type TicketEvent = Exclude<OutboxEvent, { kind: 'finance-notice' }>;

export const outboxEvents = {
  acknowledgement: (ticketId: string, accessToken: string, inReplyTo?: string): OutboxEvent => ({
    kind: 'acknowledgement',
    eventId: `ack.${ticketId}`,
    ticketId,
    accessToken,
    ...(inReplyTo ? { inReplyTo } : {}),
  }),
  agentReply: (ticketId: string, messageId: string): OutboxEvent => ({
    kind: 'agent-reply',
    eventId: `reply.${ticketId}.${messageId}`,
    ticketId,
    messageId,
  }),
  /** One notice per month, however often the export runs. */
  financeNotice: (
    month: string,
    files: { format: string; bucket: string; key: string }[],
    totals: { entries: number; amountCents: number },
  ): OutboxEvent => ({
    kind: 'finance-notice',
    eventId: `finance.${month}`,
    month,
    files,
    ...totals,
  }),
  /**
   * One mail per ticket, stage and recipient, however many job runs find it: the mailer
   * sends each event id once.
   */
  slaEscalation: (
    ticketId: string,
    stage: EscalationStage,
    recipient: 'team' | 'assignee',
    assignee?: string,
  ): OutboxEvent => ({
    kind: 'sla-escalation',
    eventId: `sla.${ticketId}.${stage}.${recipient}`,
    ticketId,
    stage,
    recipient,
    ...(assignee ? { assignee } : {}),
  }),
  /** One notice per resolution: a ticket reopened and resolved again gets a new one. */
  billingNotice: (ticketId: string, version: number): OutboxEvent => ({
    kind: 'billing-notice',
    eventId: `billing.${ticketId}.v${version}`,
    ticketId,
  }),
};
