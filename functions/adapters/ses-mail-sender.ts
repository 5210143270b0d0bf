import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { sesMessageId } from '../domain/mail/threading';
import type { MailSender, OutgoingMail } from '../app/mail-ports';

/**
 * Builds the MIME message with a real composer (RFC 2047 headers, UTF-8 quoted-printable
 * parts, multipart/alternative) and sends it raw through SES v2, which is the only way to
 * set In-Reply-To and References.
 */
export class SesMailSender implements MailSender {
  constructor(
    private readonly ses: SESv2Client,
    private readonly region: string,
    private readonly supportName: string,
    /** The SES configuration set (suppression, bounce and complaint metrics). @default none */
    private readonly configurationSetName?: string,
  ) {}

  async send(mail: OutgoingMail): Promise<{ providerMessageId: string }> {
    const raw = await composeMime(mail, this.supportName);
    const { MessageId } = await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: mail.from,
        Destination: { ToAddresses: [mail.to] },
        Content: { Raw: { Data: raw } },
        ...(this.configurationSetName
          ? {
              ConfigurationSetName: this.configurationSetName,
              // Bounces and complaints are counted per ticket (a CloudWatch dimension); a tag
              // value takes letters, digits and _-.@ only, which ticket ids are made of.
              ...(mail.ticketId && /^[\w.@-]+$/.test(mail.ticketId)
                ? { EmailTags: [{ Name: 'ticket', Value: mail.ticketId }] }
                : {}),
            }
          : {}),
      }),
    );
    if (!MessageId) throw new Error('SES returned no MessageId');
    return { providerMessageId: sesMessageId(MessageId, this.region) };
  }
}

export function composeMime(mail: OutgoingMail, supportName: string): Promise<Buffer> {
  const composer = new MailComposer({
    from: { name: supportName, address: mail.from },
    to: mail.toName ? { name: mail.toName, address: mail.to } : mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
    ...(mail.references.length > 0 ? { references: mail.references } : {}),
    headers: {
      'X-Servicedesk-Ticket': mail.ticketId,
      ...(mail.autoSubmitted ? { 'Auto-Submitted': mail.autoSubmitted } : {}),
    },
    textEncoding: 'quoted-printable',
  });
  return new Promise((resolve, reject) =>
    composer.compile().build((error, message) => (error ? reject(error) : resolve(message))),
  );
}
