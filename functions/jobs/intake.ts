import { intakeMail } from '../app/intake-mail';
import { parseMime } from '../adapters/mime-parser';
import { readReceiptNotification } from '../adapters/ses-receipt-notification';
import { admissionOf, type MailVerdicts, verdictStatus } from '../domain/mail/sender-trust';
import { dependencies } from '../shared/dependencies';
import { ignoredMailReason } from '../domain/metric-names';
import { correlate, log } from '../shared/log';
import { recordMetric } from '../shared/metrics';
import { withOutbox } from '../shared/with-outbox';
import { withAccessTokens } from '../shared/with-access-tokens';
import { withMailBucket } from '../shared/with-buckets';
import { queueHandler } from '../shared/queue-handler';

/**
 * The intake: SES stored a received mail in S3 and notified through SNS → SQS. Spam and
 * virus verdicts FAIL make nothing; everything else is parsed and becomes a ticket, a
 * reply or an unverified note, as SES's verdicts and the sender allow (SPEC §14, see
 * functions/domain/mail/sender-trust.ts). A notification that is not one fails and ends in
 * the dead-letter queue.
 */
export const handler = queueHandler('intake', async (record) => {
  const notification = readReceiptNotification(record.body);
  if (notification.notificationType !== 'Received') {
    log('INFO', 'not a received mail', { notificationType: notification.notificationType });
    return;
  }
  const { mail, receipt } = notification;
  if (!mail || !receipt) throw new Error('a Received notification without mail or receipt');
  // A verdict SES left out (scanning off, an older notification) reads as GRAY: no pass.
  const verdicts: MailVerdicts = {
    spf: verdictStatus(receipt.spfVerdict?.status),
    dkim: verdictStatus(receipt.dkimVerdict?.status),
    dmarc: verdictStatus(receipt.dmarcVerdict?.status),
    spam: verdictStatus(receipt.spamVerdict?.status),
    virus: verdictStatus(receipt.virusVerdict?.status),
  };
  const admission = admissionOf(verdicts);
  if (admission.admit === 'refuse') {
    recordMetric('mailsIgnored', 1, { reason: ignoredMailReason(admission.reason) });
    log('WARN', 'mail refused by spam or virus verdict', {
      sesMessageId: mail.messageId,
      verdicts,
    });
    return;
  }
  const deps = withMailBucket(withAccessTokens(withOutbox(dependencies())));
  const { bucketName, objectKey } = receipt.action;
  const raw = await deps.mailBucket.read(bucketName, objectKey);
  const outcome = await intakeMail(deps, await parseMime(raw), {
    receiptId: mail.messageId,
    objectKey,
    receivedAt: new Date(mail.timestamp).toISOString(),
    verdicts,
    // '' is the null sender of bounces: passed on, not dropped.
    ...(mail.source !== undefined ? { envelopeFrom: mail.source } : {}),
  });
  if (outcome.outcome === 'quarantined') {
    const key = await deps.mailBucket.quarantine(bucketName, objectKey);
    recordMetric('mailsQuarantined', 1);
    log('ERROR', 'mail quarantined', { sesMessageId: mail.messageId, key, reason: outcome.reason });
    return;
  }
  if (outcome.outcome === 'ignored') {
    recordMetric('mailsIgnored', 1, { reason: ignoredMailReason(outcome.reason) });
  } else {
    correlate(outcome.ticketId);
  }
  log('INFO', 'mail taken in', { sesMessageId: mail.messageId, verdicts, ...outcome });
});
