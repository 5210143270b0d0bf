import { describe, expect, it } from 'vitest';
import { exportFileName } from '../../../functions/app/deliver-export';
import { runMonthlyExport } from '../../../functions/app/monthly-export';
import { EXPORT_PREFIXES } from '../../../functions/domain/bucket-keys';
import { InMemoryOutbox } from '../fakes';
import { aWorkEntry, fakeBillingDeps, InMemoryExportStore } from './billing-fakes';

describe('runMonthlyExport', () => {
  it('writes the previous month in CSV and German-Excel CSV under monthly/ (the prefix the stack grants and keeps eleven years)', async () => {
    const fakes = fakeBillingDeps('2026-06-01T08:00:00.000Z');
    fakes.workEntries.seed(aWorkEntry({ entryId: 'W1' }));
    const deps = { ...fakes, exports: new InMemoryExportStore(), outbox: new InMemoryOutbox() };

    const result = await runMonthlyExport(deps);

    expect(result.month).toBe('2026-05');
    expect(result.files.map(({ format, key }) => ({ format, key }))).toEqual([
      {
        format: 'csv',
        key: `${EXPORT_PREFIXES.monthly}2026-05/${exportFileName('2026-05', 'csv')}`,
      },
      {
        format: 'excel',
        key: `${EXPORT_PREFIXES.monthly}2026-05/${exportFileName('2026-05', 'excel')}`,
      },
    ]);
    expect(deps.outbox.published).toHaveLength(1);
  });
});
