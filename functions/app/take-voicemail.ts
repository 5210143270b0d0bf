import { normalizePhone } from '../domain/customer';
import type { TicketDeps } from './ports';
import { submitTicket, type SubmittedTicket } from './submit-ticket';

export interface Voicemail {
  callerNumber: string;
  calledAt: string;
  recordingUrl?: string;
  transcript?: string;
}

/** The hotline is German; its tickets are written in German. */
const TEXT = {
  subject: 'Anruf auf der Hotline',
  description: (v: Voicemail) =>
    [
      `Nachricht von ${v.callerNumber}, ${v.calledAt}.`,
      v.transcript ? `\nAbschrift:\n${v.transcript}` : '\n(keine Abschrift)',
      v.recordingUrl ? `\nAufnahme: ${v.recordingUrl}` : '',
    ].join('\n'),
};

/**
 * A voicemail from the hotline becomes a ticket on the phone channel, matched to the
 * customer and contact the caller's number belongs to. The same voicemail reported twice
 * makes one ticket.
 */
export async function takeVoicemail(
  deps: TicketDeps,
  voicemail: Voicemail,
): Promise<SubmittedTicket> {
  // One voicemail is one caller at one moment, however often the phone system reports it.
  const idempotencyKey = `voicemail.${normalizePhone(voicemail.callerNumber) ?? voicemail.callerNumber}.${new Date(voicemail.calledAt).toISOString()}`;
  const match = await deps.customers.findByPhone(voicemail.callerNumber);
  return submitTicket(
    deps,
    {
      name: match?.contact?.name ?? match?.name ?? voicemail.callerNumber,
      ...(match?.contact ? { email: match.contact.email } : {}),
      subject: `${TEXT.subject} ${voicemail.callerNumber}`,
      description: TEXT.description(voicemail),
      severity: 'normal',
      locale: 'de',
      phone: voicemail.callerNumber,
      channel: 'phone',
    },
    idempotencyKey,
    match ? { customer: match } : {},
  );
}
