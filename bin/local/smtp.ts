import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { SMTPServer } from 'smtp-server';

/** SES accepts mail up to 40 MB; so does the local stand-in. */
const MAX_MAIL_BYTES = 40 * 1024 * 1024;

export interface LocalSmtp {
  port: number;
  close(): Promise<void>;
}

/**
 * Inbound mail for the local stack, the way SES receives it: the raw message is stored in
 * the mail bucket under `incoming/`, and a receipt notification in SES's own format
 * (verdicts, S3 action) goes to the SNS topic the intake queue subscribes to. Every verdict
 * is PASS unless the mail carries `X-Local-Spf-Verdict`, `X-Local-Dkim-Verdict`,
 * `X-Local-Dmarc-Verdict`, `X-Local-Spam-Verdict` or `X-Local-Virus-Verdict` with one of
 * `PASS|FAIL|GRAY|PROCESSING_FAILED` (SPEC §14): so the trust rules can be tried locally.
 */
export async function startSmtp(options: {
  port: number;
  s3: S3Client;
  sns: SNSClient;
  bucket: string;
  topicArn: string;
}): Promise<LocalSmtp> {
  const server = new SMTPServer({
    name: 'servicedesk.local',
    banner: 'servicedesk local inbound mail',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MAIL_BYTES,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(
            Object.assign(new Error('Message exceeds the 40 MB limit'), { responseCode: 552 }),
          );
          return;
        }
        const raw = Buffer.concat(chunks);
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        receive(
          options,
          raw,
          session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          recipients,
        ).then(
          () => callback(),
          (error: unknown) => callback(error as Error),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.server.address() as AddressInfo;
  return {
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function receive(
  options: { s3: S3Client; sns: SNSClient; bucket: string; topicArn: string },
  raw: Buffer,
  mailFrom: string,
  recipients: string[],
) {
  const messageId = `local-${Date.now().toString(36)}-${randomBytes(8).toString('hex')}`;
  const objectKey = `incoming/${messageId}`;
  // Multipart for big mails: the S3 stand-in, like S3 itself, limits a single request.
  await new Upload({
    client: options.s3,
    params: { Bucket: options.bucket, Key: objectKey, Body: raw, ContentType: 'message/rfc822' },
    partSize: 5 * 1024 * 1024,
  }).done();
  const headerBlock = raw
    .subarray(0, Math.max(0, raw.indexOf('\r\n\r\n')) || 65536)
    .toString('latin1');
  const verdict = (name: string) => ({
    status:
      new RegExp(`^${name}:[ \\t]*(PASS|FAIL|GRAY|PROCESSING_FAILED)\\b`, 'im')
        .exec(headerBlock)?.[1]
        ?.toUpperCase() ?? 'PASS',
  });
  const now = new Date().toISOString();
  const notification = {
    notificationType: 'Received',
    mail: { timestamp: now, source: mailFrom, messageId, destination: recipients },
    receipt: {
      timestamp: now,
      recipients,
      spamVerdict: verdict('X-Local-Spam-Verdict'),
      virusVerdict: verdict('X-Local-Virus-Verdict'),
      spfVerdict: verdict('X-Local-Spf-Verdict'),
      dkimVerdict: verdict('X-Local-Dkim-Verdict'),
      dmarcVerdict: verdict('X-Local-Dmarc-Verdict'),
      action: { type: 'S3', topicArn: options.topicArn, bucketName: options.bucket, objectKey },
    },
  };
  await options.sns.send(
    new PublishCommand({ TopicArn: options.topicArn, Message: JSON.stringify(notification) }),
  );
}
