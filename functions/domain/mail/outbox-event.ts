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
  /** One mail per request: `requestId` is new for each. */
  portalSignIn: (requestId: string, email: string, locale: 'de' | 'en'): OutboxEvent => ({
    kind: 'portal-sign-in',
    eventId: `portal.${requestId}`,
    email,
    locale,
  }),
  /** One notice per resolution: a ticket reopened and resolved again gets a new one. */
  billingNotice: (ticketId: string, version: number): OutboxEvent => ({
    kind: 'billing-notice',
    eventId: `billing.${ticketId}.v${version}`,
    ticketId,
  }),
};
