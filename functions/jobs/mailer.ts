import * as z from 'zod';
import { deliverMail } from '../app/deliver-mail';
import type { MailerDeps } from '../app/mail-ports';
import type { OutboxEvent } from '../domain/mail/outbox-event';
import { ESCALATION_STAGES } from '../domain/service-levels/sla-clock';
import { dependencies } from '../shared/dependencies';
import { correlate, log } from '../shared/log';
import { withMailSender } from '../shared/with-mail-sender';
import { withAccessTokens } from '../shared/with-access-tokens';
import { queueHandler } from '../shared/queue-handler';

const ticketId = z.string().regex(/^T-\d+$/);
const eventSchema = z.union([
  z.object({
    kind: z.literal('acknowledgement'),
    eventId: z.string().min(1),
    ticketId,
    tokenNonce: z.string().min(1),
    client: z.string().optional(),
    inReplyTo: z.string().optional(),
  }),
  // Queued before tokens were derived (SPEC §14), e.g. waiting in the dead-letter queue
  // for a redrive: it still carries the token itself. Nothing queues this shape any more.
  z.object({
    kind: z.literal('acknowledgement'),
    eventId: z.string().min(1),
    ticketId,
    accessToken: z.string().min(1),
    inReplyTo: z.string().optional(),
  }),
  z.object({
    kind: z.literal('agent-reply'),
    eventId: z.string().min(1),
    ticketId,
    messageId: z.string().min(1),
  }),
  z.object({ kind: z.literal('billing-notice'), eventId: z.string().min(1), ticketId }),
  z.object({
    kind: z.literal('portal-sign-in'),
    eventId: z.string().min(1),
    email: z.string().min(3).max(254),
    locale: z.enum(['de', 'en']),
  }),
  z.object({
    kind: z.literal('sla-escalation'),
    eventId: z.string().min(1),
    ticketId,
    stage: z.enum(ESCALATION_STAGES),
    recipient: z.enum(['team', 'assignee']),
    assignee: z.string().min(1).max(128).optional(),
  }),
  z.object({
    kind: z.literal('finance-notice'),
    eventId: z.string().min(1),
    month: z.string().regex(/^\d{4}-\d{2}$/),
    files: z.array(z.object({ format: z.string(), bucket: z.string(), key: z.string() })),
    entries: z.number().int().min(0),
    amountCents: z.number().int().min(0),
  }),
]);

/**
 * The mailer: consumes the outbox queue and sends each event's mail once with SES. A
 * message that is not an outbox event fails every time and so ends in the dead-letter
 * queue, where it is kept and alarmed on.
 */
export const handler = queueHandler(
  'mailer',
  async (record) => {
    const parsed = eventSchema.parse(JSON.parse(record.body));
    correlate('ticketId' in parsed ? parsed.ticketId : parsed.eventId);
    const all = withAccessTokens(withMailSender(dependencies()));
    let deps: MailerDeps = all;
    let event: OutboxEvent;
    if ('accessToken' in parsed) {
      // An old acknowledgement: its token is the one it carries, whatever the nonce. The
      // other parts are the process's own, built on first use (not copied: copying would
      // build parts the mailer has no settings for).
      const { accessToken, ...rest } = parsed;
      const given: MailerDeps['accessTokens'] = {
        newNonce: () => 'legacy',
        tokenFor: () => Promise.resolve(accessToken),
      };
      deps = Object.create(all, { accessTokens: { value: given } }) as MailerDeps;
      event = { ...rest, tokenNonce: 'legacy' };
    } else {
      event = parsed;
    }
    const result = await deliverMail(deps, event);
    log('INFO', 'mail delivered', { eventId: event.eventId, ...result });
  },
  { isThrottling: isSesThrottling },
);

/**
 * SES's answers to a sender over its quota (after the client's own adaptive retries):
 * `TooManyRequestsException` (v2), `Throttling` and "Maximum sending rate exceeded".
 */
export function isSesThrottling(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const throttling = (error as { $retryable?: { throttling?: boolean } }).$retryable?.throttling;
  return (
    throttling === true ||
    ['TooManyRequestsException', 'ThrottlingException', 'Throttling'].includes(error.name) ||
    /maximum sending rate exceeded/i.test(error.message)
  );
}
