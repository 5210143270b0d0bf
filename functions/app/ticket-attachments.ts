import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError, PayloadTooLargeError } from '../domain/errors';
import { storedBytes, TICKET_ATTACHMENT_BYTES } from '../domain/mail/attachment-quota';
import { type AttachmentRef, safeFileName } from '../domain/mail/inbound-mail';
import type { Principal } from '../domain/principal';
import { addAttachment } from './change-ticket';
import type { AttachmentStore } from './mail-ports';
import type {
  Clock,
  MessageRepository,
  ServiceLevelPlans,
  StoredTicket,
  TicketRepository,
} from './ports';
import { readTicket, type TicketReader } from './read-ticket';
import { ticketFilesPrefix } from '../domain/bucket-keys';

type Deps = {
  tickets: TicketRepository;
  attachments: AttachmentStore;
  clock: Clock;
  serviceLevels: ServiceLevelPlans;
};
type UploadDeps = Deps & { messages: Pick<MessageRepository, 'list'> };

/** Largest file one upload may carry: a Lambda request holds at most 6 MB of base64. */
export const UPLOAD_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * The customer (with the ticket's token) or an agent adds a file to a ticket. It is stored
 * under the ticket beside the attachments that came by mail, within the same limit per
 * ticket; the same file uploaded twice is stored once.
 */
export async function uploadAttachment(
  deps: UploadDeps,
  ticketId: string,
  principal: Principal,
  accessToken: string | undefined,
  file: { filename: string; contentType: string; content: Uint8Array },
): Promise<AttachmentRef> {
  const { kind, ticket } = await readTicket(deps, ticketId, principal, accessToken);
  const actor = kind === 'agent' && principal.kind === 'staff' ? principal.sub : 'customer';
  return storeAttachment(deps, ticket, file, actor);
}

/** Stores a file under a ticket the caller was found allowed to add to. */
export async function storeAttachment(
  deps: UploadDeps,
  ticket: StoredTicket,
  file: { filename: string; contentType: string; content: Uint8Array },
  /** Who adds it, for the history. @default 'customer' */
  actor = 'customer',
): Promise<AttachmentRef> {
  const ticketId = ticket.ticketId;
  if (ticket.status === 'closed') {
    throw new ConflictError(`Ticket ${ticketId} is closed; please submit a new ticket.`);
  }
  if (file.content.length > UPLOAD_LIMIT_BYTES) throw new PayloadTooLargeError(UPLOAD_LIMIT_BYTES);
  // The quota is the ticket's: its own files and those that came with its messages by mail
  // (not those of unverified notes from strangers, which have a pool of their own).
  const messages = (await deps.messages.list(ticketId)).filter((message) => !message.unverified);
  const stored =
    storedBytes(ticket.attachments ?? []) +
    storedBytes(messages.flatMap((message) => message.attachments ?? []));
  if (stored + file.content.length > TICKET_ATTACHMENT_BYTES) {
    throw new ConflictError(
      `Ticket ${ticketId} already holds ${stored} bytes of files; at most ${TICKET_ATTACHMENT_BYTES} in all.`,
    );
  }
  const digest = createHash('sha256').update(file.content).digest('hex').slice(0, 16);
  const ref: AttachmentRef = {
    filename: file.filename,
    contentType: file.contentType,
    size: file.content.length,
    key: `${ticketFilesPrefix(ticketId, `web-${digest}`)}${safeFileName(file.filename, 0)}`,
  };
  await deps.attachments.put(ref.key as string, file.content, file.contentType);
  await addAttachment(deps, ticketId, ref, actor);
  return ref;
}

/** A download link for one of the ticket's stored attachments (message or ticket). */
export async function attachmentLink(
  deps: Deps & {
    messages: {
      list(ticketId: string): Promise<{ internal: boolean; attachments?: AttachmentRef[] }[]>;
    };
  },
  ticketId: string,
  principal: Principal,
  accessToken: string | undefined,
  key: string,
): Promise<string> {
  return linkToAttachment(deps, await readTicket(deps, ticketId, principal, accessToken), key);
}

/** A download link for a file of a ticket the caller was found allowed to read. */
export async function linkToAttachment(
  deps: Deps & {
    messages: {
      list(ticketId: string): Promise<{ internal: boolean; attachments?: AttachmentRef[] }[]>;
    };
  },
  read: TicketReader,
  key: string,
): Promise<string> {
  const { kind, ticket } = read;
  const ticketId = ticket.ticketId;
  const messages = (await deps.messages.list(ticketId)).filter(
    (m) => kind === 'agent' || !m.internal,
  );
  const all = [...(ticket.attachments ?? []), ...messages.flatMap((m) => m.attachments ?? [])];
  const found = all.find((a) => a.key === key);
  if (!found?.key) throw new NotFoundError(`Ticket ${ticketId} has no attachment ${key}.`);
  return deps.attachments.downloadUrl(found.key, found.filename);
}
