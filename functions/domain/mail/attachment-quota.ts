import type { AttachmentRef, InboundAttachment } from './inbound-mail';

/** All files of one ticket together — mail attachments and uploads — at most this many bytes. */
export const TICKET_ATTACHMENT_BYTES = 25 * 1024 * 1024;

/** Bytes a ticket's files take in storage: only stored ones count, refused ones take none. */
export function storedBytes(refs: readonly AttachmentRef[]): number {
  return refs.reduce((sum, ref) => sum + (ref.key ? ref.size : 0), 0);
}

/**
 * Which of a mail's attachments still fit the ticket's quota, in order, given what the
 * ticket holds already; the rest are named with the reason, so the agent knows a file came
 * and was not kept (the mail's text is always kept).
 */
export function withinTicketQuota(
  attachments: InboundAttachment[],
  usedBytes: number,
  maxBytes = TICKET_ATTACHMENT_BYTES,
): { store: InboundAttachment[]; rejected: AttachmentRef[] } {
  const store: InboundAttachment[] = [];
  const rejected: AttachmentRef[] = [];
  let used = usedBytes;
  for (const attachment of attachments) {
    if (used + attachment.size > maxBytes) {
      rejected.push({
        filename: attachment.filename,
        contentType: attachment.contentType,
        size: attachment.size,
        rejected: `the ticket's files would exceed ${maxBytes} bytes`,
      });
    } else {
      used += attachment.size;
      store.push(attachment);
    }
  }
  return { store, rejected };
}
