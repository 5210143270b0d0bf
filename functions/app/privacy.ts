import { normalizeEmail } from '../domain/customer';
import type { TicketMessage } from '../domain/message';
import { portalPartitionOf } from '../domain/portal';
import {
  addressHash,
  anonymiseMessage,
  anonymiseTicket,
  anonymiseWorkEntry,
  fileKeysOf,
  type AnonymisationReason,
} from '../domain/privacy';
import type { WorkEntry } from '../domain/work-entry';
import { changeTicket } from './change-ticket';
import type { ExportFiles } from './export-ports';
import type { AttachmentStore } from './mail-ports';
import type {
  Clock,
  CustomerRepository,
  MessageRepository,
  PortalTickets,
  ServiceLevelPlans,
  StoredTicket,
  TicketRepository,
  VerifiedAddresses,
  WorkEntryRepository,
} from './ports';

/** A mail record of a ticket (sent or received), as erasure and access see it. */
export interface MailRecord {
  /** Its sort key in the ticket's collection. */
  sk: string;
  direction: 'in' | 'out';
  at: string;
  kind?: string;
  to?: string;
  subject?: string;
  /** The raw received mail in the mail bucket. */
  rawMailKey?: string;
}

/** The writes personal data needs beyond the repositories' own (SPEC §13). */
export interface PersonalData {
  /** Writes an existing message's anonymised fields; its history record stays as it is. */
  replaceMessage(message: TicketMessage): Promise<void>;
  /** Writes an existing work entry's anonymised fields; its history record stays as it is. */
  replaceWorkEntry(entry: WorkEntry): Promise<void>;
  /** The ticket's mail records, sent and received. */
  mailsOf(ticketId: string): Promise<MailRecord[]>;
  /** Replaces a sent mail's recipient and subject; forgets a received one's raw mail. */
  eraseMail(ticketId: string, mail: MailRecord): Promise<boolean>;
  /** Deletes the record that the address was proven; true if there was one. */
  forgetVerifiedAddress(email: string): Promise<boolean>;
  /**
   * Messages the address wrote as a customer, on any ticket, page by page from the author
   * index (no scan): also those on tickets other people requested.
   */
  messagesBy(email: string): AsyncIterable<TicketMessage[]>;
}

/** Files in the mail bucket: attachments and raw mail. */
export interface MailFiles extends AttachmentStore {
  /** Deletes the objects (gone ones count as deleted); resolves how many. */
  delete(keys: readonly string[]): Promise<number>;
}

export interface PrivacyDeps {
  tickets: TicketRepository;
  portalTickets: PortalTickets;
  customers: CustomerRepository;
  messages: MessageRepository;
  workEntries: WorkEntryRepository;
  personalData: PersonalData;
  mailFiles: MailFiles;
  verifiedAddresses: VerifiedAddresses;
  serviceLevels: ServiceLevelPlans;
  clock: Clock;
}

/** Tickets read per index page while looking for a person's tickets. */
const PAGE = 100;

/**
 * Every ticket a person requested, through the portal index (no scan): the partition of
 * their address (tickets filed without a customer) and that of the customer their address
 * belongs to now (filtered by requester).
 */
export async function* ticketsRequestedBy(
  deps: Pick<PrivacyDeps, 'portalTickets' | 'customers'>,
  email: string,
): AsyncIterable<StoredTicket> {
  const address = normalizeEmail(email);
  const partitions = new Set<string>();
  const own = portalPartitionOf({ requester: { name: '', email: address } });
  if (own) partitions.add(own);
  const match = await deps.customers.findBySender(address);
  if (match) {
    const partition = portalPartitionOf({
      requester: { name: '' },
      customer: { id: match.customerId, name: match.name },
    });
    if (partition) partitions.add(partition);
  }
  for (const partition of partitions) {
    let cursor: string | undefined;
    do {
      const page = await deps.portalTickets.portalPage(
        partition,
        { requesterEmail: address },
        PAGE,
        cursor,
      );
      for (const ticket of page.items) {
        if (ticket.requester.email === address) yield ticket;
      }
      cursor = page.nextCursor;
    } while (cursor);
  }
}

/** What an erasure (or a retention run) changed. */
export interface ErasureReport {
  /** The tickets it changed, by id. */
  tickets: string[];
  messages: number;
  mails: number;
  workEntries: number;
  /** Attachments and raw mails deleted from the mail bucket. */
  files: number;
  /** Customers the address was removed from as a contact. */
  contacts: string[];
  verifiedAddress: boolean;
}

function emptyReport(): ErasureReport {
  return {
    tickets: [],
    messages: 0,
    mails: 0,
    workEntries: 0,
    files: 0,
    contacts: [],
    verifiedAddress: false,
  };
}

/**
 * Removes the personal data a ticket and what hangs on it hold: the ticket's requester,
 * subject, description and files; the messages' bodies, customer authors and files; sent
 * mails' recipients and subjects; raw received mails; work entries' descriptions and a
 * person billed without a customer record. Billing amounts, dates, codes and minutes stay.
 * The ticket's change (with its `erasure`/`retention` record) is one conditional put.
 */
export async function anonymiseTicketData(
  deps: Omit<PrivacyDeps, 'portalTickets' | 'customers' | 'verifiedAddresses'>,
  ticket: StoredTicket,
  actor: string,
  reason: AnonymisationReason,
  report: ErasureReport,
): Promise<void> {
  const ticketId = ticket.ticketId;
  let changed = await eraseCollection(deps, ticket, report);
  // The ticket last: a run cut short is finished by the next (the ticket still names them).
  // Its access token is revoked in the same put: nothing more comes in through the old
  // links, where no later access or erasure could find it (the address is gone).
  const before = ticket.version;
  let filesOfTicket: string[] = [];
  const after = await changeTicket(
    deps,
    ticketId,
    (current, now) => {
      const next = anonymiseTicket(current, now, reason);
      if (next === current) return current;
      filesOfTicket = fileKeysOf(current, []);
      const { pendingAcknowledgement: _pending, ...rest } = next;
      return { ...rest, accessTokenHash: REVOKED_TOKEN };
    },
    actor,
  );
  if (after.version !== before) changed = true;
  if (filesOfTicket.length) report.files += await deps.mailFiles.delete(filesOfTicket);
  // What came in while this ran (a reply, a mail, a file) is erased too: the collection is
  // read again until a pass finds nothing left (writes that passed their checks before the
  // token was revoked land within moments).
  for (let pass = 0; pass < 3; pass++) {
    if (!(await eraseCollection(deps, after, report))) break;
    changed = true;
  }
  if (changed) report.tickets.push(ticketId);
}

/**
 * What a revoked ticket's access token hash reads: no token hashes to it (a real hash is
 * 43 characters of base64url), so the old links and replies by token find nothing.
 */
const REVOKED_TOKEN = 'revoked';

/**
 * One pass over a ticket's collection: messages, mail records and work entries lose their
 * personal data, files and raw mails are deleted. Resolves whether anything changed.
 */
async function eraseCollection(
  deps: Omit<PrivacyDeps, 'portalTickets' | 'customers' | 'verifiedAddresses'>,
  ticket: StoredTicket,
  report: ErasureReport,
): Promise<boolean> {
  const ticketId = ticket.ticketId;
  const messages = await deps.messages.list(ticketId);
  const mails = await deps.personalData.mailsOf(ticketId);
  const files = [
    ...fileKeysOf(ticket, messages),
    ...messages.map((m) => m.rawMailKey),
    ...mails.map((m) => m.rawMailKey),
  ].filter((key): key is string => typeof key === 'string');
  let changed = false;
  for (const message of messages) {
    const anonymised = anonymiseMessage(message);
    if (!anonymised) continue;
    await deps.personalData.replaceMessage(anonymised);
    report.messages++;
    changed = true;
  }
  for (const mail of mails) {
    if (await deps.personalData.eraseMail(ticketId, mail)) {
      report.mails++;
      changed = true;
    }
  }
  for (const entry of await deps.workEntries.entriesOf(ticketId)) {
    const anonymised = anonymiseWorkEntry(entry);
    if (!anonymised) continue;
    await deps.personalData.replaceWorkEntry(anonymised);
    report.workEntries++;
    changed = true;
  }
  if (files.length) {
    report.files += await deps.mailFiles.delete([...new Set(files)]);
    changed = true;
  }
  return changed;
}

/**
 * The person's messages on tickets they did not request (a colleague's ticket in the
 * portal, a mail naming someone else's ticket, a reply to a ticket merged into another):
 * body, author, files and raw mail go; the ticket itself stays its requester's and gets
 * one `erasure` record (`to: messages`) per erasure that touched it.
 */
async function eraseMessagesElsewhere(
  deps: PrivacyDeps,
  address: string,
  requested: ReadonlySet<string>,
  admin: string,
  report: ErasureReport,
  /** Asked before each ticket: false stops here (the budget is spent). */
  mayGoOn: () => boolean = () => true,
): Promise<boolean> {
  const byTicket = await messagesElsewhere(deps, address, requested);
  for (const [ticketId, messages] of byTicket) {
    if (!mayGoOn()) return true;
    const files = [
      ...messages.flatMap((m) => m.attachments ?? []).map((a) => a.key),
      ...messages.map((m) => m.rawMailKey),
    ].filter((key): key is string => typeof key === 'string');
    let changed = false;
    for (const message of messages) {
      const anonymised = anonymiseMessage(message);
      if (!anonymised) continue;
      await deps.personalData.replaceMessage(anonymised);
      report.messages++;
      changed = true;
    }
    if (files.length) report.files += await deps.mailFiles.delete([...new Set(files)]);
    if (!changed) continue;
    await changeTicket(
      deps,
      ticketId,
      (ticket) => ({ ...ticket, authorErasures: (ticket.authorErasures ?? 0) + 1 }),
      admin,
    );
    report.tickets.push(ticketId);
  }
  return false;
}

/** The person's messages on tickets other than `requested`, by ticket. */
async function messagesElsewhere(
  deps: Pick<PrivacyDeps, 'personalData'>,
  address: string,
  requested: ReadonlySet<string>,
): Promise<Map<string, TicketMessage[]>> {
  const byTicket = new Map<string, TicketMessage[]>();
  for await (const page of deps.personalData.messagesBy(address)) {
    for (const message of page) {
      if (requested.has(message.ticketId)) continue;
      const list = byTicket.get(message.ticketId) ?? [];
      list.push(message);
      byTicket.set(message.ticketId, list);
    }
  }
  return byTicket;
}

/**
 * An erasure under way or done, by the hash of the address (the address itself is not
 * kept): what it changed so far. An erasure too large for one invocation answers `202`
 * and goes on where it stopped when it is sent again (docs/privacy.md, "Erasure").
 */
export interface ErasureJob extends ErasureReport {
  erasureId: string;
  status: 'running' | 'done';
  startedAt: string;
  updatedAt: string;
  /** The admin who asked. */
  by: string;
}

/** Where erasures keep their progress. */
export interface ErasureJobs {
  get(erasureId: string): Promise<ErasureJob | undefined>;
  put(job: ErasureJob): Promise<void>;
}

/**
 * Where a person's access export goes when it is too large for an answer: one object per
 * address, by its hash (each larger export replaces it), so an erasure knows what to delete.
 */
export function subjectExportKey(email: string): string {
  return `requests/privacy/${addressHash(normalizeEmail(email))}.json`;
}

/** Copies of the mail sent to people, where any are kept (the local SES stand-in). */
export interface SentMailCopies {
  /** Drops every kept mail that names the address; resolves how many. */
  forget(email: string): Promise<number>;
}

/** How much one invocation of an erasure does before it answers `202` and stops. */
export interface ErasureBudget {
  /** Tickets (requested or written on) changed at most. */
  tickets: number;
  /** Milliseconds of work at most (API Gateway answers after 29 s). */
  ms: number;
}

/** @default the budget of one erasure request */
export const DEFAULT_ERASURE_BUDGET: ErasureBudget = { tickets: 200, ms: 20_000 };

/**
 * `POST /privacy/erasures {email}` (admins, GDPR Art. 17): the person's personal data is
 * removed from every ticket they requested and what hangs on it, from their messages on
 * other people's tickets, their contact entries and their verified-address record; billing
 * records keep amounts and dates. Within `budget`: a larger erasure stops with its
 * progress stored (`status: running`) and is continued by the same request sent again,
 * which finds only what is left (erased tickets and messages no longer carry the address).
 * Idempotent: an erasure of an address with nothing left changes nothing.
 */
export async function eraseSubject(
  deps: PrivacyDeps & {
    erasureJobs: ErasureJobs;
    exportFiles?: ExportFiles;
    sentMailCopies?: SentMailCopies;
  },
  email: string,
  admin: string,
  budget: ErasureBudget = DEFAULT_ERASURE_BUDGET,
): Promise<ErasureJob & { email: string; erasedAt: string }> {
  const address = normalizeEmail(email);
  const erasureId = addressHash(address);
  const started = deps.clock.now();
  const previous = await deps.erasureJobs.get(erasureId);
  const report: ErasureReport =
    previous?.status === 'running' ? pickReport(previous) : emptyReport();
  const over = (done: number) =>
    done >= budget.tickets || deps.clock.now().getTime() - started.getTime() >= budget.ms;
  let done = 0;
  let more = false;
  const requested = new Set<string>();
  for await (const ticket of ticketsRequestedBy(deps, address)) {
    if (over(done)) {
      more = true;
      break;
    }
    requested.add(ticket.ticketId);
    await anonymiseTicketData(deps, ticket, admin, 'erasure', report);
    done++;
  }
  if (!more) {
    more = await eraseMessagesElsewhere(deps, address, requested, admin, report, () => {
      if (over(done)) return false;
      done++;
      return true;
    });
  }
  if (!more) {
    const match = await deps.customers.findBySender(address);
    if (match) {
      const customer = await deps.customers.get(match.customerId);
      if (customer?.contacts.some((contact) => normalizeEmail(contact.email) === address)) {
        const without = {
          ...customer,
          contacts: customer.contacts.filter(
            (contact) => normalizeEmail(contact.email) !== address,
          ),
          updatedAt: deps.clock.now().toISOString(),
        };
        await deps.customers.save(without, customer);
        report.contacts.push(customer.customerId);
      }
    }
    report.verifiedAddress =
      (await deps.personalData.forgetVerifiedAddress(address)) || report.verifiedAddress;
    // A stored access export of the person (too large for an answer) goes with the rest.
    if (deps.exportFiles) await deps.exportFiles.delete([subjectExportKey(address)]);
    if (deps.sentMailCopies) report.mails += await deps.sentMailCopies.forget(address);
  }
  const now = deps.clock.now().toISOString();
  const job: ErasureJob = {
    ...report,
    tickets: [...new Set(report.tickets)],
    erasureId,
    status: more ? 'running' : 'done',
    startedAt: previous?.status === 'running' ? previous.startedAt : started.toISOString(),
    updatedAt: now,
    by: admin,
  };
  await deps.erasureJobs.put(job);
  return { email: address, erasedAt: now, ...job };
}

function pickReport(job: ErasureJob): ErasureReport {
  const { tickets, messages, mails, workEntries, files, contacts, verifiedAddress } = job;
  return {
    tickets: [...tickets],
    messages,
    mails,
    workEntries,
    files,
    contacts: [...contacts],
    verifiedAddress,
  };
}

/** Everything stored about one person (GDPR Art. 15/20), piece by piece. */
export type SubjectPart =
  | {
      kind: 'contacts';
      contacts: { customerId: string; customerName: string; name?: string; phone?: string }[];
    }
  | { kind: 'verified'; verified: { method: string; at: string } | null }
  | {
      kind: 'ticket';
      ticket: StoredTicket;
      messages: TicketMessage[];
      mails: MailRecord[];
      workEntries: WorkEntry[];
      attachments: {
        filename: string;
        contentType: string;
        size: number;
        downloadUrl: string | null;
      }[];
    }
  | {
      /** What the person wrote on a ticket someone else requested: their messages only. */
      kind: 'elsewhere';
      ticketId: string;
      messages: TicketMessage[];
      attachments: {
        filename: string;
        contentType: string;
        size: number;
        downloadUrl: string | null;
      }[];
    };

/**
 * `GET /privacy/subjects?email=` (admins): what is stored about the person, one part at a
 * time (a ticket with its messages, mails, files and work entries), so that the answer can
 * be written while it is read.
 */
export async function* subjectData(deps: PrivacyDeps, email: string): AsyncIterable<SubjectPart> {
  const address = normalizeEmail(email);
  const contacts: Extract<SubjectPart, { kind: 'contacts' }>['contacts'] = [];
  const match = await deps.customers.findBySender(address);
  if (match) {
    const customer = await deps.customers.get(match.customerId);
    for (const contact of customer?.contacts ?? []) {
      if (normalizeEmail(contact.email) !== address) continue;
      contacts.push({
        customerId: match.customerId,
        customerName: match.name,
        ...(contact.name ? { name: contact.name } : {}),
        ...(contact.phone ? { phone: contact.phone } : {}),
      });
    }
  }
  yield { kind: 'contacts', contacts };
  yield { kind: 'verified', verified: (await deps.verifiedAddresses.get(address)) ?? null };
  const requested = new Set<string>();
  for await (const ticket of ticketsRequestedBy(deps, address)) {
    requested.add(ticket.ticketId);
    const messages = await deps.messages.list(ticket.ticketId);
    const files = [
      ...(ticket.attachments ?? []),
      ...messages.filter((m) => !m.unverified).flatMap((m) => m.attachments ?? []),
    ];
    yield {
      kind: 'ticket',
      ticket,
      messages,
      mails: await deps.personalData.mailsOf(ticket.ticketId),
      workEntries: await deps.workEntries.entriesOf(ticket.ticketId),
      attachments: await Promise.all(
        files.map(async (file) => ({
          filename: file.filename,
          contentType: file.contentType,
          size: file.size,
          downloadUrl: file.key ? await deps.mailFiles.downloadUrl(file.key, file.filename) : null,
        })),
      ),
    };
  }
  for (const [ticketId, messages] of await messagesElsewhere(deps, address, requested)) {
    yield {
      kind: 'elsewhere',
      ticketId,
      messages,
      attachments: await linksOf(
        deps,
        messages.flatMap((m) => m.attachments ?? []),
      ),
    };
  }
}

/** Files with 15-minute download links (none for a file refused at intake). */
function linksOf(
  deps: Pick<PrivacyDeps, 'mailFiles'>,
  files: readonly { filename: string; contentType: string; size: number; key?: string }[],
) {
  return Promise.all(
    files.map(async (file) => ({
      filename: file.filename,
      contentType: file.contentType,
      size: file.size,
      downloadUrl: file.key ? await deps.mailFiles.downloadUrl(file.key, file.filename) : null,
    })),
  );
}
