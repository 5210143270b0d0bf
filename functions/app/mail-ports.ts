import type { Suppression } from '../domain/mail/mail-feedback';
import type { AcknowledgementLimits } from '../domain/mail/mail-policy';
import type { OutboxEvent } from '../domain/mail/outbox-event';
import type { PortalMailDeps } from './portal-ports';
import type {
  AccessTokens,
  AddressConfirmations,
  BusinessMetrics,
  Clock,
  MessageRepository,
  TicketRepository,
  WorkEntryReader,
} from './ports';

/** A mail ready to go: addresses, words, and its place in the ticket's thread. */
export interface OutgoingMail {
  eventId: string;
  /** The ticket the mail is about; absent for the finance notice. */
  ticketId?: string;
  kind: OutboxEvent['kind'];
  from: string;
  to: string;
  toName?: string;
  subject: string;
  text: string;
  html: string;
  /** Our own id for this mail, `<…@…>`; SES replaces it, so it also goes in References. */
  messageId: string;
  inReplyTo?: string;
  references: string[];
  /** RFC 3834 `Auto-Submitted` value for mail no person wrote. */
  autoSubmitted?: 'auto-replied' | 'auto-generated';
  /** When the ticket was received: an acknowledgement's lag is measured from it. */
  ticketReceivedAt?: string;
}

export interface MailSender {
  /** Sends the mail; resolves the Message-ID the mail really carries (SES's own). */
  send(mail: OutgoingMail): Promise<{ providerMessageId: string }>;
}

/** A mail that went out, as kept for threading and for the agent's view. */
export interface SentMail {
  eventId: string;
  ticketId?: string;
  kind: OutboxEvent['kind'];
  to: string;
  subject: string;
  ownMessageId: string;
  providerMessageId: string;
  /** The threading headers the mail carried, kept for whoever debugs a split thread. */
  inReplyTo?: string;
  references: string[];
  sentAt: string;
}

/**
 * What a claim found: the event is this worker's to send (`go`), was sent or suppressed
 * (`done`), or another worker holds it until `busyUntil` (Unix seconds).
 */
export type DeliveryClaim = 'go' | 'done' | { busyUntil: number };

export interface MailLog {
  /**
   * Takes the event for sending unless it was sent (`done`) or another worker holds it
   * (`busyUntil`). A claim lapses after `leaseSeconds`, so a crashed worker's event is retried.
   */
  claim(eventId: string, leaseSeconds: number): Promise<DeliveryClaim>;
  /** Gives the event back after a failure, for the next retry. */
  release(eventId: string): Promise<void>;
  /** Marks the event done without a mail (policy said no). */
  suppress(eventId: string, reason: string): Promise<void>;
  /** Marks the event done and keeps the mail for threading. */
  recordSent(mail: SentMail): Promise<void>;
  /** Message ids of the ticket's thread (sent and received), oldest first. */
  thread(ticketId: string): Promise<string[]>;
  /** The mails sent on a ticket, oldest first. */
  sentMails(ticketId: string): Promise<SentMail[]>;
  /** The ticket that any of these Message-IDs (sent or received) belongs to. */
  ticketOfMessageIds(messageIds: string[]): Promise<string | undefined>;
  /** Keeps a received mail's Message-ID in the ticket's thread. */
  recordInbound(mail: {
    ticketId: string;
    messageId: string;
    receivedAt: string;
    /** The raw mail's key in the mail bucket. */
    rawMailKey?: string;
  }): Promise<void>;
}

/** Where attachments of received mail are kept (an S3 bucket, under the ticket). */
export interface AttachmentStore {
  put(key: string, content: Uint8Array, contentType: string): Promise<void>;
  /** A time-limited link to download the attachment under its file name. */
  downloadUrl(key: string, fileName: string): Promise<string>;
}

export interface RateLimiter {
  /**
   * Counts one use of `key` by `user` (an event id) in the sliding window of the last
   * `windowSeconds`; false once `max` different users were counted in it. The same user counts once however often it retries, so
   * failed attempts do not use up the limit.
   */
  tryConsume(key: string, user: string, max: number, windowSeconds: number): Promise<boolean>;
}

/**
 * Addresses that get no more mail (SES reported a permanent bounce or a complaint), kept by
 * a hash of the normalised address.
 */
export interface Suppressions {
  /** The address's suppression, if it has one. */
  find(email: string): Promise<Suppression | undefined>;
  /** Records it; a suppressed address keeps its first record (the same report twice is one). */
  record(email: string, suppression: Suppression): Promise<void>;
}

/** Addresses and links that go into mail (configuration). */
export interface MailSettings {
  /** The support address mail comes from and replies go to. */
  supportAddress: string;
  supportName: string;
  /** Sales hotline named in the standard group's acknowledgement. */
  salesPhone: string;
  /** Where the customer's status page is, e.g. `https://support.example.com`. */
  publicUrl: string;
  /** Who gets the monthly finance notice. */
  financeAddress: string;
  /** The agents' team address, which SLA escalations go to. */
  agentTeamAddress: string;
  /** Domain of agents whose user name is no mail address: `<name>@<domain>`. */
  agentMailDomain: string;
  /**
   * How long a worker may hold an event before another may retry it (`MAIL_LEASE_SECONDS`).
   * @default 120
   */
  leaseSeconds?: number;
  /** Acknowledgement limits; `DEFAULT_ACKNOWLEDGEMENT_LIMITS` when not given. */
  acknowledgementLimits?: AcknowledgementLimits;
}

export interface MailerDeps {
  /** For the portal's sign-in mail; a mailer without it cannot send one. */
  portal?: PortalMailDeps;
  tickets: TicketRepository;
  messages: MessageRepository;
  workEntries: WorkEntryReader;
  mailLog: MailLog;
  rateLimiter: RateLimiter;
  /** Addresses that bounced permanently or complained: customer mail to them is not sent. */
  suppressions: Pick<Suppressions, 'find'>;
  sender: MailSender;
  /** Codes for the confirm link of acknowledgements to unverified requesters. */
  confirmations: AddressConfirmations;
  clock: Clock;
  settings: MailSettings;
  /** Derives the access token the acknowledgement carries from the event's nonce. */
  accessTokens: AccessTokens;
  /** A new random Message-ID local part: our ids must not be guessable (SPEC §14). */
  newMessageIdLocalPart(): string;
  /** Where acknowledgements sent, failed and suppressed and their lag are measured. */
  metrics?: BusinessMetrics;
}
