import { format } from 'node:util';

/**
 * Collects what the system under test writes through the console while the bench runs (the
 * handlers, the mailer and the stand-ins run on this thread; the bench's own output comes
 * from the worker thread), so that a log line per request does not bury the report; the
 * summary says how many lines of which kind there were. The product still builds every
 * line; only the terminal write is saved.
 */
export function captureProductLog() {
  const original = {
    log: console.log,
    info: console.info,
    error: console.error,
    warn: console.warn,
  };
  const kinds = new Map<string, { count: number; example: string }>();
  const collect = (...args: unknown[]) => {
    const line = format(...args);
    // Lines that differ only in ids and numbers are one kind.
    const kind = line.replace(/\d+/g, '#').slice(0, 160);
    const entry = kinds.get(kind);
    if (entry) entry.count++;
    else kinds.set(kind, { count: 1, example: line.slice(0, 400) });
  };
  console.log = collect;
  console.info = collect;
  console.error = collect;
  console.warn = collect;
  return {
    restore() {
      Object.assign(console, original);
    },
    summary(): string {
      if (kinds.size === 0) return 'The product logged nothing during the run.';
      const total = [...kinds.values()].reduce((sum, k) => sum + k.count, 0);
      const lines = [...kinds.values()]
        .sort((a, b) => b.count - a.count)
        .slice(0, 5)
        .map((k) => `  ${k.count.toLocaleString('en-US')} × ${k.example}`);
      return [
        `The product logged ${total.toLocaleString('en-US')} line(s), by kind:`,
        ...lines,
      ].join('\n');
    },
  };
}
