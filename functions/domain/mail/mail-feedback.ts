/**
 * What SES reported about a mail we sent (configuration-set event publishing, SPEC §5):
 * a bounce or a complaint, as far as the service desk acts on it. Pure rules; the SES
 * event's JSON is read in `functions/jobs/mail-feedback.ts`.
 */
export type MailFeedback =
  | {
      kind: 'bounce';
      /** SES's id of the feedback: the same event delivered twice has one effect. */
      feedbackId: string;
      /** `Permanent`, `Transient` or `Undetermined`. */
      bounceType: string;
      /** e.g. `General`, `NoEmail`, `Suppressed`, `MailboxFull`. */
      bounceSubType: string;
      recipients: readonly { email: string; status?: string; diagnosticCode?: string }[];
      at: string;
    }
  | {
      kind: 'complaint';
      feedbackId: string;
      /** The receiver's feedback type (`abuse`, `fraud`, …), when it gave one. */
      feedbackType?: string;
      recipients: readonly { email: string }[];
      at: string;
    };

/** Why no more mail goes to an address: it bounced hard, or its owner complained. */
export interface Suppression {
  reason: 'bounce' | 'complaint';
  /** When SES reported it (ISO-8601). */
  at: string;
  /** SES's feedback id of the report that suppressed the address. */
  feedbackId: string;
}

/** A recipient the feedback suppresses, and the note its tickets get. */
export interface SuppressedRecipient {
  email: string;
  suppression: Suppression;
  /** The internal note for the recipient's tickets (agents only, never mailed). */
  note: string;
}

/** Longest diagnostic text a note quotes: a receiving server's answer may be long. */
const MAX_DIAGNOSTIC = 300;

/**
 * The recipients a report suppresses. A permanent bounce (the address does not exist, or
 * the receiver refuses it for good) and every complaint suppress; a transient bounce
 * (mailbox full, a server down) or an undetermined one does not: the next mail may arrive,
 * and SES retried the transient one for hours already. SES keeps such addresses on the
 * account's suppression list as well (the configuration set's suppression reasons); this
 * record lets the mail policy skip them before anything is rendered or counted.
 */
export function suppressedRecipients(feedback: MailFeedback): SuppressedRecipient[] {
  if (feedback.kind === 'bounce') {
    if (feedback.bounceType !== 'Permanent') return [];
    return feedback.recipients.map((recipient) => {
      const detail = [recipient.status, recipient.diagnosticCode]
        .filter((part): part is string => !!part && part.trim() !== '')
        .join(' ')
        .replace(/[\r\n\t]+/g, ' ')
        .slice(0, MAX_DIAGNOSTIC);
      return {
        email: recipient.email,
        suppression: { reason: 'bounce', at: feedback.at, feedbackId: feedback.feedbackId },
        note:
          `Mail to the requester bounced: permanent (${feedback.bounceSubType})` +
          `${detail ? `, ${detail}` : ''}. No more mail goes to ${recipient.email}; ` +
          'reach the customer another way (phone, a corrected address).',
      };
    });
  }
  return feedback.recipients.map((recipient) => ({
    email: recipient.email,
    suppression: { reason: 'complaint', at: feedback.at, feedbackId: feedback.feedbackId },
    note:
      `The requester marked our mail as spam${feedback.feedbackType ? ` (${feedback.feedbackType})` : ''}. ` +
      `No more mail goes to ${recipient.email}; answer in the portal or by phone.`,
  }));
}
