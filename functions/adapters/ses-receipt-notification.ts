import * as z from 'zod';

const verdict = z.object({ status: z.string() }).optional();

/** SES's receipt notification (S3 action with an SNS topic), as far as intake reads it. */
const sesNotification = z.object({
  notificationType: z.string(),
  mail: z
    .object({ messageId: z.string().min(1), timestamp: z.string(), source: z.string().optional() })
    .optional(),
  receipt: z
    .object({
      spfVerdict: verdict,
      dkimVerdict: verdict,
      dmarcVerdict: verdict,
      spamVerdict: verdict,
      virusVerdict: verdict,
      action: z.object({ type: z.literal('S3'), bucketName: z.string(), objectKey: z.string() }),
    })
    .optional(),
});

/** SNS's envelope around the notification (the subscription does not deliver raw). */
const snsEnvelope = z.object({ Type: z.string(), Message: z.string() });

/** A receipt notification as the intake reads it. */
export type ReceiptNotification = z.infer<typeof sesNotification>;

/**
 * Reads an SQS message body of the intake queue: SES's receipt notification inside SNS's
 * envelope (`{Type, Message}`), as the topic's subscription delivers it. Throws on anything
 * else, so the message ends in the dead-letter queue.
 */
export function readReceiptNotification(body: string): ReceiptNotification {
  const envelope = snsEnvelope.parse(JSON.parse(body));
  return sesNotification.parse(JSON.parse(envelope.Message));
}
