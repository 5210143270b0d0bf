import { describe, expect, it } from 'vitest';
import { RecentReads } from '../../../functions/adapters/recent-reads';
import { FakeClock } from '../fakes';

const NOW = '2026-05-04T09:00:00.000Z';

function setup(maxEntries?: number) {
  const clock = new FakeClock(NOW);
  const recent = new RecentReads<string>(clock, 5000, maxEntries);
  const reads: string[] = [];
  const read = (key: string, value: string) => () => {
    reads.push(key);
    return Promise.resolve(value);
  };
  return { clock, recent, reads, read };
}

describe('RecentReads', () => {
  it('answers from memory until the read is maxAgeMs old, then reads again', async () => {
    const { clock, recent, reads, read } = setup();
    expect(await recent.get('price-list', read('price-list', 'v1'))).toBe('v1');
    clock.set('2026-05-04T09:00:04.999Z');
    expect(await recent.get('price-list', read('price-list', 'v2'))).toBe('v1');
    clock.set('2026-05-04T09:00:05.000Z');
    expect(await recent.get('price-list', read('price-list', 'v2'))).toBe('v2');
    expect(reads).toEqual(['price-list', 'price-list']);
  });

  it('shares one read among concurrent callers of a key', async () => {
    const { recent, reads, read } = setup();
    const values = await Promise.all([1, 2, 3].map(() => recent.get('c1', read('c1', 'x'))));
    expect(values).toEqual(['x', 'x', 'x']);
    expect(reads).toEqual(['c1']);
  });

  it('keeps no failed read: the next caller reads again', async () => {
    const { recent, reads, read } = setup();
    await expect(recent.get('c1', () => Promise.reject(new Error('throttled')))).rejects.toThrow(
      'throttled',
    );
    expect(await recent.get('c1', read('c1', 'x'))).toBe('x');
    expect(reads).toEqual(['c1']);
  });

  it('answers this instance’s own write at once, and reads again after forget', async () => {
    const { recent, reads, read } = setup();
    await recent.get('c1', read('c1', 'old'));
    recent.set('c1', 'new');
    expect(await recent.get('c1', read('c1', 'unused'))).toBe('new');
    recent.forget('c1');
    expect(await recent.get('c1', read('c1', 'stored'))).toBe('stored');
    expect(reads).toEqual(['c1', 'c1']);
  });

  it('holds at most maxEntries keys, dropping the least recently read', async () => {
    const { recent, reads, read } = setup(2);
    await recent.get('a', read('a', 'A'));
    await recent.get('b', read('b', 'B'));
    await recent.get('c', read('c', 'C'));
    await recent.get('b', read('b', 'B'));
    await recent.get('a', read('a', 'A'));
    expect(reads).toEqual(['a', 'b', 'c', 'a']);
  });
});
