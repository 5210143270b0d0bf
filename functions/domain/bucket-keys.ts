/**
 * Where objects go in the two buckets: one plain-data module that the code writing them and
 * the stack granting access to them (lib/service-desk-data.ts and the grants beside it) both
 * import, so a prefix cannot drift between the key a function writes and the ARN pattern it
 * may write to.
 */

/**
 * The key prefixes of the mail bucket: raw mail as SES stores it, attachments under their
 * ticket, and mail no sender could be read from.
 */
export const MAIL_PREFIXES = {
  incoming: 'incoming/',
  attachments: 'attachments/',
  quarantine: 'quarantine/',
} as const;

/**
 * The key prefixes of the export bucket: exports too large for a response, fetched once by
 * link, and the monthly exports for finance.
 */
export const EXPORT_PREFIXES = { requests: 'requests/', monthly: 'monthly/' } as const;

/**
 * The folder of one ticket's files from one source (a mail's hash, `web-<digest>` for an
 * upload), ending in `/`.
 */
export function ticketFilesPrefix(ticketId: string, source: string): string {
  return `${MAIL_PREFIXES.attachments}${ticketId}/${source}/`;
}

/** Where a raw received mail (`incoming/<id>`) is copied when nobody could be found for it. */
export function quarantineKey(incomingKey: string): string {
  return `${MAIL_PREFIXES.quarantine}${incomingKey.split('/').pop() ?? incomingKey}`;
}

/** The folder of exports fetched once by link for one request kind (a month, `reports`). */
export function requestExportPrefix(folder: string): string {
  return `${EXPORT_PREFIXES.requests}${folder}/`;
}

/** Where the monthly export of `month` in one file lies. */
export function monthlyExportKey(month: string, fileName: string): string {
  return `${EXPORT_PREFIXES.monthly}${month}/${fileName}`;
}
