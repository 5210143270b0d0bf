import * as z from 'zod';
import { takeMailFeedback } from '../app/mail-feedback';
import type { MailFeedback } from '../domain/mail/mail-feedback';
import { dependencies, region } from '../shared/dependencies';
import { correlate, log } from '../shared/log';
import { queueHandler } from '../shared/queue-handler';

const snsEnvelope = z.object({ Type: z.string(), Message: z.string() });

/**
 * SES's event record (configuration-set event publishing to SNS), as far as the feedback
 * handler reads it: "Contents of event data that Amazon SES publishes to Amazon SNS".
 */
const sesEvent = z.object({
  eventType: z.string(),
  mail: z.object({
    messageId: z.string().min(1),
    timestamp: z.string(),
    // Tags as SES publishes them: each name with a list of values (ours: `ticket`).
    tags: z.record(z.string(), z.array(z.string())).optional(),
  }),
  bounce: z
    .object({
      bounceType: z.string(),
      bounceSubType: z.string(),
      bouncedRecipients: z.array(
        z.object({
          emailAddress: z.string().min(3).max(254),
          status: z.string().optional(),
          diagnosticCode: z.string().optional(),
        }),
      ),
      timestamp: z.string(),
      feedbackId: z.string().min(1),
    })
    .optional(),
  complaint: z
    .object({
      complainedRecipients: z.array(z.object({ emailAddress: z.string().min(3).max(254) })),
      timestamp: z.string(),
      feedbackId: z.string().min(1),
      complaintFeedbackType: z.string().optional(),
    })
    .optional(),
});

type SesEvent = z.infer<typeof sesEvent>;

/** The bounce or complaint of an SES event; undefined for any other event type. */
export function feedbackOf(event: SesEvent): MailFeedback | undefined {
  if (event.eventType === 'Bounce') {
    if (!event.bounce) throw new Error('a Bounce event without bounce');
    const { bounce } = event;
    return {
      kind: 'bounce',
      feedbackId: bounce.feedbackId,
      bounceType: bounce.bounceType,
      bounceSubType: bounce.bounceSubType,
      recipients: bounce.bouncedRecipients.map((r) => ({
        email: r.emailAddress,
        ...(r.status ? { status: r.status } : {}),
        ...(r.diagnosticCode ? { diagnosticCode: r.diagnosticCode } : {}),
      })),
      at: new Date(bounce.timestamp).toISOString(),
    };
  }
  if (event.eventType === 'Complaint') {
    if (!event.complaint) throw new Error('a Complaint event without complaint');
    const { complaint } = event;
    return {
      kind: 'complaint',
      feedbackId: complaint.feedbackId,
      ...(complaint.complaintFeedbackType ? { feedbackType: complaint.complaintFeedbackType } : {}),
      recipients: complaint.complainedRecipients.map((r) => ({ email: r.emailAddress })),
      at: new Date(complaint.timestamp).toISOString(),
    };
  }
  return undefined;
}

/**
 * SES's bounce and complaint events about the mail we sent (configuration set → SNS → SQS):
 * a permanent bounce or a complaint suppresses the address and notes it on the person's
 * tickets (`functions/app/mail-feedback.ts`). A message that is no SES event fails and ends
 * in the dead-letter queue, where an alarm sees it. Logs name the ticket and SES's ids,
 * never the address.
 */
export const handler = queueHandler('mail-feedback', async (record) => {
  const envelope = snsEnvelope.parse(JSON.parse(record.body));
  const event = sesEvent.parse(JSON.parse(envelope.Message));
  const feedback = feedbackOf(event);
  if (!feedback) {
    log('INFO', 'mail event ignored', { kind: event.eventType });
    return;
  }
  const ticketId = event.mail.tags?.ticket?.[0];
  if (ticketId) correlate(ticketId);
  const outcome = await takeMailFeedback(dependencies(), feedback, {
    sesMessageId: event.mail.messageId,
    region: region(),
    ...(ticketId ? { ticketId } : {}),
  });
  // Without the tag, the ticket the report was found to concern names the line.
  if (!ticketId) correlate(outcome.notedTickets[0]);
  log(outcome.suppressed > 0 ? 'WARN' : 'INFO', 'mail feedback taken in', {
    kind: event.eventType,
    sesMessageId: event.mail.messageId,
    ...(feedback.kind === 'bounce'
      ? { reason: `${feedback.bounceType} ${feedback.bounceSubType}` }
      : {}),
    // Addresses suppressed by the report (logged as a count, never the address).
    counted: outcome.suppressed,
    tickets: outcome.notedTickets,
  });
});
