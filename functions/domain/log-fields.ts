/**
 * What a log line may hold (SPEC §14, docs/security.md): ids, counts, codes and our own
 * words — never an address, a name or text a customer wrote. Fields not listed here are
 * dropped by name, and every string that is kept is scrubbed of anything shaped like a
 * mail address, so a reason or an error message that quotes one cannot leak it either.
 */
export const LOG_FIELDS = [
  // ids
  'ticketId',
  'eventId',
  'messageId',
  'sesMessageId',
  'providerMessageId',
  'entryId',
  'customerId',
  'key',
  'requestId',
  /** An erasure or access export: the SHA-256 of the address, never the address. */
  'erasureId',
  /** The staff member who asked (their name in the token, as the history records it). */
  'staff',
  'status',
  // what happened, in our words
  'outcome',
  'reason',
  'kind',
  'notificationType',
  'verdicts',
  'replayed',
  'duplicate',
  'limit',
  // counts and periods
  'receiveCount',
  'month',
  'entries',
  'amountCents',
  'movedTickets',
  'files',
  'queued',
  'failed',
  'looked',
  'escalated',
  'breaches',
  'tickets',
  'messages',
  'mails',
  'workEntries',
  'verifiedAddress',
  'billingRecords',
  'counted',
  'corrected',
  'suspected',
  'removed',
  // errors: the error's class name, our message and stack (scrubbed)
  'error',
  'detail',
  'stack',
] as const;

export type LogField = (typeof LOG_FIELDS)[number];

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

const ALLOWED: ReadonlySet<string> = new Set(LOG_FIELDS);

/** Fields holding ids SES generates (`<…@email.amazonses.com>`): useful to trace, not personal. */
const SES_IDS: ReadonlySet<string> = new Set(['providerMessageId', 'sesMessageId']);

/** Anything that looks like a mail address, also inside `<…>` and quoted-printable text. */
const ADDRESS = /[^\s<>()[\]"',;:@]+@[^\s<>()[\]"',;:@]+/g;

/** Replaces each address-shaped part of a text with `<address>`. */
export function scrubAddresses(text: string): string {
  return text.replace(ADDRESS, '<address>');
}

function scrubbed(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubAddresses(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value) && depth < 3) return value.map((v) => scrubbed(v, depth + 1));
  if (typeof value === 'object' && depth < 3) {
    // Nested objects (e.g. the files of an export) are ids and counts too: same rule.
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, scrubbed(v, depth + 1)]),
    );
  }
  return undefined;
}

/**
 * The fields of a log line that may be written: only the allowed names, each value
 * scrubbed of addresses (SES's own ids kept as they are), undefined values left out; and
 * the names that were dropped, so a mistake shows. The one rule every log writer applies
 * (`logLine` here, the Powertools formatter in `functions/shared/log.ts`).
 */
export function allowedFields(fields: Record<string, unknown>): {
  kept: Record<string, unknown>;
  dropped: string[];
} {
  const kept: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (!ALLOWED.has(name)) dropped.push(name);
    // Ids SES made (never a person's address, though shaped like one) stay as they are.
    else kept[name] = SES_IDS.has(name) && typeof value === 'string' ? value : scrubbed(value);
  }
  return { kept, dropped };
}

/**
 * One structured log line (JSON): level and message, then only the allowed fields, each
 * scrubbed; the names of dropped fields are listed under `dropped` so a mistake shows.
 */
export function logLine(level: LogLevel, message: string, fields: Record<string, unknown> = {}) {
  const { kept, dropped } = allowedFields(fields);
  return JSON.stringify({
    level,
    message: scrubAddresses(message),
    ...kept,
    ...(dropped.length ? { dropped } : {}),
  });
}
