import type { ExportFormat } from '../domain/billing-export';
import { EXPORT_MEDIA, exportBilling, type ExportDeps } from './export-billing';
import type { ExportStore } from './export-ports';
import { requestExportPrefix } from '../domain/bucket-keys';

/** Largest export answered in the response itself; Lambda answers at most 6 MB. */
export const INLINE_LIMIT_BYTES = 5 * 1024 * 1024;

export type DeliveredExport =
  | { kind: 'inline'; body: string; contentType: string; fileName: string }
  | { kind: 'stored'; url: string; key: string; contentType: string; fileName: string };

export function exportFileName(month: string, format: ExportFormat): string {
  return `billing-${month}.${EXPORT_MEDIA[format].extension}`;
}

/**
 * A month's export for a request: kept in memory while it is small and answered inline;
 * once it grows past the limit, everything so far and the rest stream into the export
 * bucket and the caller gets a download link. Memory never holds more than the limit.
 */
export async function deliverExport(
  deps: ExportDeps & { exports: ExportStore },
  month: string,
  format: ExportFormat,
): Promise<DeliveredExport> {
  const { contentType } = EXPORT_MEDIA[format];
  return deliverChunks(deps.exports, exportBilling(deps, month, format), {
    contentType,
    fileName: exportFileName(month, format),
    keyPrefix: requestExportPrefix(month),
  });
}

/**
 * Any download for a request (the billing export, sales' reports): kept in memory while it
 * is small and answered inline; once it grows past the limit, everything so far and the
 * rest stream into the export bucket under `keyPrefix` (below `requests/`) and the caller gets a download link.
 * Memory never holds more than the limit.
 */
export async function deliverChunks(
  exports: ExportStore,
  chunks: AsyncIterable<string>,
  file: { contentType: string; fileName: string; keyPrefix: string },
): Promise<DeliveredExport> {
  const { contentType, fileName } = file;
  const iterator = chunks[Symbol.asyncIterator]();
  const buffered: string[] = [];
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { kind: 'inline', body: buffered.join(''), contentType, fileName };
    buffered.push(next.value);
    size += Buffer.byteLength(next.value);
    if (size > INLINE_LIMIT_BYTES) break;
  }
  const everything = (async function* () {
    yield* buffered.splice(0);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield next.value;
    }
  })();
  const key = `${file.keyPrefix}${Date.now().toString(36)}-${fileName}`;
  await exports.put(key, everything, contentType);
  return {
    kind: 'stored',
    url: await exports.downloadUrl(key, fileName),
    key,
    contentType,
    fileName,
  };
}
