import { z } from 'zod';
import { deliverMail } from '../app/deliver-mail';
import type { OutboxEvent } from '../domain/mail/outbox-event';
import { ESCALATION_STAGES } from '../domain/service-levels/sla-clock';
import { dependencies } from '../shared/dependencies';
import { queueHandler } from '../shared/queue-handler';

const ticketId = z.string().regex(/^T-\d+$/);
const eventSchema = z.discriminatedUnion('kind', [
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
export const handler = queueHandler('mailer', async (record) => {
  const event: OutboxEvent = eventSchema.parse(JSON.parse(record.body));
  const result = await deliverMail(dependencies(), event);
  console.log(
    JSON.stringify({ level: 'INFO', message: 'mail delivered', eventId: event.eventId, ...result }),
  );
});
