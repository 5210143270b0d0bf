/**
 * Mail threading (RFC 5322 §3.6.4): each mail on a ticket answers the latest one and lists
 * the thread in `References`, so every client files it under the same conversation.
 */

/** At most this many ids in `References`: the first and the latest ones. */
const MAX_REFERENCES = 20;

export interface ThreadHeaders {
  inReplyTo?: string;
  references: string[];
}

/** Headers for the next mail on a thread whose message ids, oldest first, are given. */
export function threadHeaders(thread: readonly string[]): ThreadHeaders {
  const ids = [...new Set(thread.map(normalizeMessageId).filter((id): id is string => !!id))];
  if (ids.length === 0) return { references: [] };
  const references =
    ids.length > MAX_REFERENCES ? [ids[0] as string, ...ids.slice(-(MAX_REFERENCES - 1))] : ids;
  return { inReplyTo: ids.at(-1), references };
}

/** `<abc@host>` for `abc@host`, ` <abc@host> `; undefined for anything else. */
export function normalizeMessageId(id: string | undefined): string | undefined {
  const match = /^\s*<?([^<>\s@]+@[^<>\s@]+)>?\s*$/.exec(id ?? '');
  return match ? `<${match[1]}>` : undefined;
}

/**
 * The key that identifies a mail wherever it went: the id without brackets, in lower case;
 * for SES's ids (`<sesId@region.amazonses.com>`) without the region, which varies.
 */
export function messageIdKey(id: string): string | undefined {
  const bare = normalizeMessageId(id)?.slice(1, -1).toLowerCase();
  if (!bare) return undefined;
  const [local, host = ''] = bare.split('@');
  return host.endsWith('amazonses.com') ? `${local}@amazonses.com` : bare;
}

/** The Message-ID SES gives a mail it sent, from the id its API returned. */
export function sesMessageId(apiMessageId: string, region: string): string {
  const host = region === 'us-east-1' ? 'email.amazonses.com' : `${region}.amazonses.com`;
  return `<${apiMessageId}@${host}>`;
}
