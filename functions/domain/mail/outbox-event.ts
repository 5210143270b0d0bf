import type { EscalationStage } from '../service-levels/sla-clock';

/**
 * What the request path asks the mailer to send. Events carry ids, not content: the mailer
 * reads the current ticket, so a retried event renders what is true when it is sent. The
 * acknowledgement carries the nonce of the customer's access token, never the token: the
 * mailer derives the token with the server secret (`functions/domain/access-token.ts`).
 * `eventId` is deterministic, so a mail is sent once per event however often it is queued.
 */
export type OutboxEvent =
  | {
      kind: 'acknowledgement';
      eventId: string;
      ticketId: string;
      /** Nonce the customer's access token is derived from (with the server secret). */
      tokenNonce: string;
      /** Hash of the sender's client address (web form), for the per-client limit. */
      client?: string;
      /** The customer's Message-ID, when the ticket came by mail: the ack answers it. */
      inReplyTo?: string;
    }
  | { kind: 'agent-reply'; eventId: string; ticketId: string; messageId: string }
  | { kind: 'billing-notice'; eventId: string; ticketId: string }
  | {
      /**
       * Someone asked for a portal sign-in link. Queued for every request, known address or
       * not, so the request path does the same work for both; the mailer decides whether
       * the address may sign in, and makes the code itself, so no code ever sits in a queue.
       */
      kind: 'portal-sign-in';
      eventId: string;
      email: string;
      locale: 'de' | 'en';
    }
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

/** Events about one ticket (all but the finance notice and the portal's sign-in). */
export type TicketEvent = Exclude<OutboxEvent, { kind: 'finance-notice' | 'portal-sign-in' }>;

export const outboxEvents = {
  acknowledgement: (
    ticketId: string,
    tokenNonce: string,
    options: { inReplyTo?: string; client?: string } = {},
  ): OutboxEvent => ({
    kind: 'acknowledgement',
    eventId: `ack.${ticketId}`,
    ticketId,
    tokenNonce,
    ...(options.client ? { client: options.client } : {}),
    ...(options.inReplyTo ? { inReplyTo: options.inReplyTo } : {}),
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
  /** One mail per request: `requestId` is new for each. */
  portalSignIn: (requestId: string, email: string, locale: 'de' | 'en'): OutboxEvent => ({
    kind: 'portal-sign-in',
    eventId: `portal.${requestId}`,
    email,
    locale,
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
