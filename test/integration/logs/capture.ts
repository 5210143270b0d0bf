import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Setup of every integration test file: every line the file's process writes (console,
 * stdout, stderr: the handlers, the jobs, the mailer's thread, the stand-ins) is also
 * appended to a file of the run, which `global.ts` reads at the end of the run (SPEC §13:
 * logs carry ids, never personal data).
 */
const dir = process.env.SERVICEDESK_LOG_CAPTURE_DIR;
if (dir) {
  const file = join(dir, `${process.pid}-${Math.random().toString(36).slice(2)}.log`);
  const keep = (chunk: unknown) => {
    try {
      appendFileSync(file, typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array));
      appendFileSync(file, '\n');
    } catch {
      // A full disk must not fail the tests themselves.
    }
  };
  // Proof that capturing works: a run whose files left no line at all was not checked.
  keep('log capture started');
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk);
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      keep(
        args.map((a) => (typeof a === 'string' ? a : (JSON.stringify(a) ?? String(a)))).join(' '),
      );
      original(...args);
    };
  }
}
