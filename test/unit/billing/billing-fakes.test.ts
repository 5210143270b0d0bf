import { describe, expect, it } from 'vitest';
import {
  aWorkEntry,
  InMemoryAllowances,
  InMemoryExportStore,
  InMemoryWorkEntryRepository,
} from './billing-fakes';

/** The fakes are only worth what their semantics are: these pin down the ports' promises. */
describe('InMemoryAllowances', () => {
  it('takes up to what is left, per customer and month', async () => {
    const allowances = new InMemoryAllowances();
    expect(await allowances.consume('acme', '2026-05', 'W1', 100, 120)).toBe(100);
    expect(await allowances.consume('acme', '2026-05', 'W2', 100, 120)).toBe(20);
    expect(await allowances.consume('acme', '2026-05', 'W3', 100, 120)).toBe(0);
    expect(await allowances.consume('acme', '2026-06', 'W4', 100, 120)).toBe(100);
    expect(await allowances.consume('beta', '2026-05', 'W5', 100, 120)).toBe(100);
    expect(allowances.usedMinutes('acme', '2026-05')).toBe(120);
  });

  it('answers a retried entry what it took the first time, taking nothing more', async () => {
    const allowances = new InMemoryAllowances();
    expect(await allowances.consume('acme', '2026-05', 'W1', 100, 120)).toBe(100);
    expect(await allowances.consume('acme', '2026-05', 'W1', 100, 120)).toBe(100);
    expect(await allowances.consume('acme', '2026-05', 'W1', 5, 120)).toBe(100);
    expect(allowances.usedMinutes('acme', '2026-05')).toBe(100);
  });

  it('answers the same entry asked twice at the same moment the same, once', async () => {
    const allowances = new InMemoryAllowances(3);
    const [a, b] = await Promise.all([
      allowances.consume('acme', '2026-05', 'W1', 100, 120),
      allowances.consume('acme', '2026-05', 'W1', 100, 120),
    ]);
    expect([a, b]).toEqual([100, 100]);
    expect(allowances.usedMinutes('acme', '2026-05')).toBe(100);
    expect(allowances.conflicts).toBeGreaterThan(0);
  });
});

describe('InMemoryWorkEntryRepository', () => {
  it('adds an entry once and answers the stored one afterwards', async () => {
    const repository = new InMemoryWorkEntryRepository();
    const entry = aWorkEntry({ entryId: 'W1' });
    expect(await repository.add(entry)).toEqual({ entry, created: true });
    expect(await repository.add({ ...entry, minutes: 99 })).toEqual({ entry, created: false });
  });

  it('pages billable entries of a month by customer, date and entry', async () => {
    const repository = new InMemoryWorkEntryRepository(2);
    repository.seed(
      aWorkEntry({ entryId: 'W3', customer: { id: null, name: 'a@b.de' } }),
      aWorkEntry({ entryId: 'W2', date: '2026-05-02', customer: { id: 'zeta', name: 'Z' } }),
      aWorkEntry({ entryId: 'W1', date: '2026-05-09' }),
      aWorkEntry({ entryId: 'W0', date: '2026-05-01' }),
      aWorkEntry({ entryId: 'W4', amountCents: 0 }),
      aWorkEntry({ entryId: 'W5', date: '2026-06-01' }),
    );
    const pages: string[][] = [];
    for await (const page of repository.billableEntriesInMonth('2026-05')) {
      pages.push(page.map((e) => e.entryId));
    }
    expect(pages).toEqual([
      ['W0', 'W1'],
      ['W2', 'W3'],
    ]);
  });
});

describe('InMemoryExportStore', () => {
  it('keeps strings and bytes as one UTF-8 object', async () => {
    const store = new InMemoryExportStore();
    async function* chunks() {
      yield 'Jö';
      yield new TextEncoder().encode('rg €');
    }
    expect(await store.put('k', chunks(), 'text/csv')).toEqual({ bucket: 'exports', key: 'k' });
    expect(store.objects.get('k')).toEqual({
      content: 'Jörg €',
      contentType: 'text/csv',
      chunks: 2,
    });
  });
});
