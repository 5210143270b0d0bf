import type {
  DeliveryClaim,
  MailLog,
  MailSender,
  MailSettings,
  MailerDeps,
  OutgoingMail,
  RateLimiter,
  SentMail,
  Suppressions,
} from '../../../functions/app/mail-ports';
import type { Clock, WorkEntryReader } from '../../../functions/app/ports';
import { normalizeEmail } from '../../../functions/domain/customer';
import type { Suppression } from '../../../functions/domain/mail/mail-feedback';
import { messageIdKey, sesMessageId } from '../../../functions/domain/mail/threading';
import { isBillable, type WorkEntry } from '../../../functions/domain/work-entry';
import {
  FakeAccessTokens,
  FakeClock,
  InMemoryAddressConfirmations,
  InMemoryMessageRepository,
  InMemoryTicketRepository,
} from '../fakes';

/**
 * In-memory stand-ins for the mailer's ports (functions/app/mail-ports.ts), with the
 * semantics the DynamoDB adapters promise: a claim lapses after its lease, a finished event
 * stays finished, a rate counter per key and fixed window.
 */

const copy = <T>(value: T): T => structuredClone(value);

type EventRecord =
  | { status: 'sending'; leaseUntil: number }
  | { status: 'suppressed'; reason: string }
  | { status: 'sent'; providerMessageId: string };

/** One entry of a ticket's mail collection: a sent mail or a received one. */
type ThreadItem =
  | { kind: 'sent'; at: string; mail: SentMail }
  | { kind: 'inbound'; at: string; ticketId: string; messageId: string };

export class InMemoryMailLog implements MailLog {
  private readonly events = new Map<string, EventRecord>();
  /** Sent and received mails, as the ticket's mail collection keeps them. */
  private readonly items: ThreadItem[] = [];
  /** Every call, for assertions about what the use case did. */
  readonly calls: { method: string; eventId: string; leaseSeconds?: number }[] = [];
  /** Makes the next `recordSent` fail (a crash between sending and recording). */
  failNextRecord: Error | undefined;

  constructor(private readonly clock: Clock) {}

  async claim(eventId: string, leaseSeconds: number): Promise<DeliveryClaim> {
    this.calls.push({ method: 'claim', eventId, leaseSeconds });
    const now = this.nowSeconds();
    const current = this.events.get(eventId);
    if (current === undefined || (current.status === 'sending' && current.leaseUntil < now)) {
      this.events.set(eventId, { status: 'sending', leaseUntil: now + leaseSeconds });
      return 'go';
    }
    return current.status === 'sending' ? { busyUntil: current.leaseUntil } : 'done';
  }

  async release(eventId: string): Promise<void> {
    this.calls.push({ method: 'release', eventId });
    if (this.events.get(eventId)?.status === 'sending') this.events.delete(eventId);
  }

  async suppress(eventId: string, reason: string): Promise<void> {
    this.calls.push({ method: 'suppress', eventId });
    this.events.set(eventId, { status: 'suppressed', reason });
  }

  async recordSent(mail: SentMail): Promise<void> {
    this.calls.push({ method: 'recordSent', eventId: mail.eventId });
    const failure = this.failNextRecord;
    if (failure) {
      this.failNextRecord = undefined;
      throw failure;
    }
    this.items.push({ kind: 'sent', at: mail.sentAt, mail: copy(mail) });
    this.events.set(mail.eventId, { status: 'sent', providerMessageId: mail.providerMessageId });
  }

  async thread(ticketId: string): Promise<string[]> {
    return this.itemsOf(ticketId).flatMap((item) =>
      item.kind === 'sent'
        ? [item.mail.ownMessageId, item.mail.providerMessageId]
        : [item.messageId],
    );
  }

  async sentMails(ticketId: string): Promise<SentMail[]> {
    return this.itemsOf(ticketId).flatMap((item) =>
      item.kind === 'sent' ? [copy(item.mail)] : [],
    );
  }

  async ticketOfMessageIds(messageIds: string[]): Promise<string | undefined> {
    const byKey = new Map<string, string>();
    for (const item of this.items) {
      const ids =
        item.kind === 'sent'
          ? [item.mail.ownMessageId, item.mail.providerMessageId]
          : [item.messageId];
      const ticketId = item.kind === 'sent' ? item.mail.ticketId : item.ticketId;
      for (const id of ids) {
        const key = messageIdKey(id);
        if (key && ticketId) byKey.set(key, ticketId);
      }
    }
    // The latest reference is the most specific.
    return [...messageIds]
      .reverse()
      .map((id) => messageIdKey(id))
      .map((key) => (key === undefined ? undefined : byKey.get(key)))
      .find((ticketId) => ticketId !== undefined);
  }

  async recordInbound(mail: { ticketId: string; messageId: string; receivedAt: string }) {
    if (!messageIdKey(mail.messageId)) return;
    this.items.push({
      kind: 'inbound',
      at: mail.receivedAt,
      ticketId: mail.ticketId,
      messageId: mail.messageId,
    });
  }

  /** What became of an event: undefined while never claimed. */
  statusOf(eventId: string): EventRecord | undefined {
    const record = this.events.get(eventId);
    return record && copy(record);
  }

  /** The ticket's mails in time order (a stable sort keeps same-instant mails in order). */
  private itemsOf(ticketId: string): ThreadItem[] {
    return this.items
      .filter((item) => (item.kind === 'sent' ? item.mail.ticketId : item.ticketId) === ticketId)
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }
}

/** Sliding windows, as the DynamoDB limiter counts: each user with the time it was counted. */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly users = new Map<string, Map<string, number>>();
  /** Every call in order, with whether it was allowed. */
  readonly calls: { key: string; allowed: boolean }[] = [];

  constructor(private readonly clock: Clock) {}

  async tryConsume(key: string, user: string, max: number, windowSeconds: number) {
    const now = this.clock.now().getTime();
    const counted = new Map(
      [...(this.users.get(key) ?? new Map<string, number>())].filter(
        ([, at]) => at > now - windowSeconds * 1000,
      ),
    );
    const allowed = counted.has(user) || counted.size < max;
    if (allowed && !counted.has(user)) counted.set(user, now);
    this.users.set(key, counted);
    this.calls.push({ key, allowed });
    return allowed;
  }
}

/** Records what would have gone out; answers with SES-style provider ids. */
export class FakeMailSender implements MailSender {
  readonly sent: OutgoingMail[] = [];
  /** Failures to throw, one per `send` call, before sending succeeds again. */
  readonly failures: Error[] = [];
  private counter = 0;

  constructor(private readonly region = 'eu-central-1') {}

  async send(mail: OutgoingMail): Promise<{ providerMessageId: string }> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(copy(mail));
    this.counter++;
    const apiId = `0107018f-${String(this.counter).padStart(4, '0')}-ses`;
    return { providerMessageId: sesMessageId(apiId, this.region) };
  }
}

export class InMemoryWorkEntries implements WorkEntryReader {
  private readonly entries: WorkEntry[] = [];

  add(...entries: WorkEntry[]): void {
    this.entries.push(...entries.map(copy));
  }

  async billableEntriesOf(ticketId: string): Promise<WorkEntry[]> {
    return this.entries.filter((e) => e.ticketId === ticketId && isBillable(e)).map(copy);
  }
}

export const MAIL_SETTINGS: MailSettings = {
  supportAddress: 'support@servicedesk.example.com',
  supportName: 'Servicedesk',
  salesPhone: '+49 30 1234567-0',
  publicUrl: 'https://support.example.com',
  financeAddress: 'finance@servicedesk.example.com',
  agentTeamAddress: 'agents@servicedesk.example.com',
  agentMailDomain: 'servicedesk.example.com',
};

export interface MailFakes {
  tickets: InMemoryTicketRepository;
  messages: InMemoryMessageRepository;
  workEntries: InMemoryWorkEntries;
  mailLog: InMemoryMailLog;
  rateLimiter: InMemoryRateLimiter;
  sender: FakeMailSender;
  confirmations: InMemoryAddressConfirmations;
  suppressions: InMemorySuppressions;
  clock: FakeClock;
}

/** Suppressed addresses by normalised address; the first record stays. */
export class InMemorySuppressions implements Suppressions {
  readonly records = new Map<string, Suppression>();
  async find(email: string): Promise<Suppression | undefined> {
    return this.records.get(normalizeEmail(email));
  }
  async record(email: string, suppression: Suppression): Promise<void> {
    const key = normalizeEmail(email);
    if (!this.records.has(key)) this.records.set(key, suppression);
  }
}

/** Every dependency of the mailer, as one typed object (no module mocking). */
export function fakeMailerDeps(now = '2026-05-04T08:00:00.000Z'): MailerDeps & MailFakes {
  const clock = new FakeClock(now);
  return {
    tickets: new InMemoryTicketRepository(),
    messages: new InMemoryMessageRepository(),
    workEntries: new InMemoryWorkEntries(),
    mailLog: new InMemoryMailLog(clock),
    rateLimiter: new InMemoryRateLimiter(clock),
    sender: new FakeMailSender(),
    confirmations: new InMemoryAddressConfirmations(clock),
    suppressions: new InMemorySuppressions(),
    clock,
    settings: { ...MAIL_SETTINGS },
    accessTokens: new FakeAccessTokens(),
    newMessageIdLocalPart: (() => {
      let ids = 0;
      return () => `own-${++ids}`;
    })(),
  };
}
