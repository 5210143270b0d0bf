import { describe, expect, it } from 'vitest';
import {
  deliverExport,
  exportFileName,
  INLINE_LIMIT_BYTES,
} from '../../../functions/app/deliver-export';
import { exportBilling } from '../../../functions/app/export-billing';
import { EXPORT_PREFIXES } from '../../../functions/domain/bucket-keys';
import type { ExportFormat } from '../../../functions/domain/billing-export';
import type { WorkEntry } from '../../../functions/domain/work-entry';
import { aWorkEntry, fakeBillingDeps, InMemoryExportStore } from './billing-fakes';

const MONTH = '2026-05';

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

function deps(entries: WorkEntry[]) {
  const fakes = fakeBillingDeps('2026-06-01T08:00:00.000Z', { pageSize: 500 });
  fakes.workEntries.seed(...entries);
  return { ...fakes, exports: new InMemoryExportStore() };
}

/** `count` billable entries of unknown customers with names `nameLength` characters long. */
function bigEntries(count: number, nameLength: number): WorkEntry[] {
  return Array.from({ length: count }, (_, i) => {
    const id = String(i).padStart(6, '0');
    return aWorkEntry({
      entryId: `W${id}`,
      customer: { id: null, name: `${id}-${'x'.repeat(nameLength)}` },
    });
  });
}

describe('exportFileName', () => {
  it.each<[ExportFormat, string]>([
    ['csv', 'billing-2026-05.csv'],
    ['excel', 'billing-2026-05.excel.csv'],
    ['json', 'billing-2026-05.json'],
  ])('names the %s export %s', (format, name) => {
    expect(exportFileName(MONTH, format)).toBe(name);
  });
});

describe('deliverExport', () => {
  it.each<[ExportFormat, string]>([
    ['csv', 'text/csv; charset=utf-8'],
    ['excel', 'text/csv; charset=utf-8'],
    ['json', 'application/json; charset=utf-8'],
  ])('answers a small %s export inline', async (format, contentType) => {
    const d = deps([aWorkEntry({ entryId: 'W1' }), aWorkEntry({ entryId: 'W2' })]);

    const delivered = await deliverExport(d, MONTH, format);

    expect(delivered).toEqual({
      kind: 'inline',
      body: await collect(exportBilling(d, MONTH, format)),
      contentType,
      fileName: exportFileName(MONTH, format),
    });
    expect(d.exports.objects.size).toBe(0);
    expect(d.exports.urls).toEqual([]);
  });

  it('answers an empty month inline', async () => {
    const d = deps([]);
    const delivered = await deliverExport(d, MONTH, 'csv');
    expect(delivered).toMatchObject({ kind: 'inline' });
    expect(delivered.kind === 'inline' && delivered.body.split('\n')).toHaveLength(2);
  });

  it.each<ExportFormat>(['csv', 'excel', 'json'])(
    'stores a %s export larger than the limit, complete, and answers a download link',
    async (format) => {
      const entries = bigEntries(2_800, 2_000);
      const d = deps(entries);
      const whole = await collect(exportBilling(d, MONTH, format));
      expect(Buffer.byteLength(whole)).toBeGreaterThan(INLINE_LIMIT_BYTES);

      const delivered = await deliverExport(d, MONTH, format);

      const fileName = exportFileName(MONTH, format);
      expect(delivered).toEqual({
        kind: 'stored',
        key: expect.stringMatching(
          new RegExp(
            `^${EXPORT_PREFIXES.requests}${MONTH}/[0-9a-z]+-${fileName.replace(/\./g, '\\.')}$`,
          ),
        ),
        url: expect.any(String),
        contentType:
          format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8',
        fileName,
      });
      if (delivered.kind !== 'stored') return;
      const stored = d.exports.objects.get(delivered.key);
      expect(stored?.content.length).toBe(whole.length);
      expect(stored?.content === whole).toBe(true); // not toEqual: a 6 MB diff is no help
      expect(stored?.contentType).toBe(delivered.contentType);
      expect(stored?.chunks).toBeGreaterThan(1); // streamed, not one string
      expect(d.exports.urls).toEqual([{ key: delivered.key, fileName }]);
      expect(delivered.url).toBe(
        `https://exports.example/${encodeURIComponent(delivered.key)}?download=${encodeURIComponent(fileName)}`,
      );
      if (format === 'excel') expect(stored?.content.startsWith('\uFEFF')).toBe(true);
      if (format === 'json')
        expect(JSON.parse(stored?.content ?? '')).toMatchObject({ month: MONTH });
      // One query for the reference run above, one for the delivery.
      expect(d.workEntries.monthQueries).toEqual([MONTH, MONTH]);
    },
  );

  it('answers inline at exactly the limit and stores one byte more', async () => {
    const entries = bigEntries(2_400, 2_000);
    const size = async (list: WorkEntry[]) =>
      Buffer.byteLength(await collect(exportBilling(deps(list), MONTH, 'csv')));
    const below = await size(entries);
    expect(below).toBeLessThan(INLINE_LIMIT_BYTES);
    const last = entries.at(-1) as WorkEntry;
    const grown = (extra: number): WorkEntry[] => [
      ...entries.slice(0, -1),
      { ...last, customer: { id: null, name: `${last.customer.name}${'y'.repeat(extra)}` } },
    ];
    const exact = grown(INLINE_LIMIT_BYTES - below);
    expect(await size(exact)).toBe(INLINE_LIMIT_BYTES);

    const atLimit = await deliverExport(deps(exact), MONTH, 'csv');
    const over = deps(grown(INLINE_LIMIT_BYTES - below + 1));
    const overLimit = await deliverExport(over, MONTH, 'csv');

    expect(atLimit.kind).toBe('inline');
    expect(atLimit.kind === 'inline' && Buffer.byteLength(atLimit.body)).toBe(INLINE_LIMIT_BYTES);
    expect(overLimit.kind).toBe('stored');
    if (overLimit.kind !== 'stored') return;
    expect(Buffer.byteLength(over.exports.objects.get(overLimit.key)?.content ?? '')).toBe(
      INLINE_LIMIT_BYTES + 1,
    );
  });

  it('counts bytes, not characters, against the limit', async () => {
    // 1.8 million characters, but over 5 MB in UTF-8 (3 bytes per '€').
    const entries = Array.from({ length: 900 }, (_, i) =>
      aWorkEntry({
        entryId: `W${String(i).padStart(4, '0')}`,
        customer: { id: null, name: `${i}-${'€'.repeat(2_000)}` },
      }),
    );
    const d = deps(entries);
    const whole = await collect(exportBilling(d, MONTH, 'csv'));
    expect(whole.length).toBeLessThan(INLINE_LIMIT_BYTES);
    expect(Buffer.byteLength(whole)).toBeGreaterThan(INLINE_LIMIT_BYTES);

    const delivered = await deliverExport(d, MONTH, 'csv');

    expect(delivered.kind).toBe('stored');
    if (delivered.kind !== 'stored') return;
    expect(d.exports.objects.get(delivered.key)?.content === whole).toBe(true);
  });
});
