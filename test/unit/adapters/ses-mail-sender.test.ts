import type { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { SesMailSender } from '../../../functions/adapters/ses-mail-sender';
import type { OutgoingMail } from '../../../functions/app/mail-ports';

/** A client that records the commands it is sent and answers like SES. */
function recordingClient(): { client: SESv2Client; sent: SendEmailCommand['input'][] } {
  const sent: SendEmailCommand['input'][] = [];
  const client = {
    send: (command: SendEmailCommand) => {
      sent.push(command.input);
      return Promise.resolve({ MessageId: '0102-abc' });
    },
  } as unknown as SESv2Client;
  return { client, sent };
}

const mail = (ticketId?: string): OutgoingMail => ({
  eventId: 'e1',
  kind: 'acknowledgement',
  from: 'support@example.org',
  to: 'erika@example.org',
  subject: 'Ihr Ticket',
  text: 'Danke',
  html: '<p>Danke</p>',
  messageId: '<m1@example.org>',
  references: [],
  ...(ticketId ? { ticketId } : {}),
});

describe('SesMailSender', () => {
  it('sends with the configuration set and tags the mail with its ticket', async () => {
    const { client, sent } = recordingClient();
    await new SesMailSender(client, 'eu-central-1', 'Support', 'servicedesk-set').send(
      mail('T-10001'),
    );
    expect(sent[0]?.ConfigurationSetName).toBe('servicedesk-set');
    expect(sent[0]?.EmailTags).toEqual([{ Name: 'ticket', Value: 'T-10001' }]);
  });

  it('tags nothing for a mail of no ticket (a portal sign-in link)', async () => {
    const { client, sent } = recordingClient();
    await new SesMailSender(client, 'eu-central-1', 'Support', 'servicedesk-set').send(mail());
    expect(sent[0]?.ConfigurationSetName).toBe('servicedesk-set');
    expect(sent[0]?.EmailTags).toBeUndefined();
  });

  it('sends without a configuration set where none is configured (the local stand-in)', async () => {
    const { client, sent } = recordingClient();
    await new SesMailSender(client, 'eu-central-1', 'Support').send(mail('T-10001'));
    expect(sent[0]).not.toHaveProperty('ConfigurationSetName');
    expect(sent[0]).not.toHaveProperty('EmailTags');
  });
});
