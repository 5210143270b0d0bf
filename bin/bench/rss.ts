import { Worker } from 'node:worker_threads';

/** What the sampler saw in one window (bytes). */
export interface RssReading {
  /** RSS when the window opened. */
  idle: number;
  /** The highest RSS sampled in the window (or at its close). */
  peak: number;
  /** Every sample of the window in order (the last TRACE_CAP if there were more). */
  trace: number[];
}

export interface RssSampler {
  /** Opens a window (resetting the peak); `close()` ends it. */
  open(): { idle: number; close(): RssReading };
  stop(): Promise<void>;
}

/** Samples kept per window: 400 s at 50 ms. */
const TRACE_CAP = 8192;

/**
 * Samples `process.memoryUsage.rss()` (the whole process: every thread, native memory
 * included) from a thread of its own, so that sampling keeps its pace however busy the
 * system under test (main thread) and the load (bench worker) keep their event loops.
 * `resourceUsage().maxRSS` is no use here: it is the peak of the process's whole life,
 * which seeding has already set higher than any export.
 *
 * Shared memory, in KiB: [peak, samples, trace…]; opening a window resets the first two.
 */
export function startRssSampler(intervalMs = 50): RssSampler {
  const shared = new SharedArrayBuffer((2 + TRACE_CAP) * Int32Array.BYTES_PER_ELEMENT);
  const cells = new Int32Array(shared);
  const code = `
    const { workerData } = require('node:worker_threads');
    const cells = new Int32Array(workerData.shared);
    setInterval(() => {
      const kib = Math.round(process.memoryUsage.rss() / 1024);
      if (kib > Atomics.load(cells, 0)) Atomics.store(cells, 0, kib);
      const n = Atomics.add(cells, 1, 1);
      Atomics.store(cells, 2 + (n % ${TRACE_CAP}), kib);
    }, workerData.intervalMs);
  `;
  const worker = new Worker(code, { eval: true, workerData: { shared, intervalMs } });
  worker.unref();
  return {
    open() {
      const idle = process.memoryUsage.rss();
      Atomics.store(cells, 1, 0);
      Atomics.store(cells, 0, Math.round(idle / 1024));
      return {
        idle,
        close() {
          const now = process.memoryUsage.rss();
          const samples = Atomics.load(cells, 1);
          const first = Math.max(0, samples - TRACE_CAP);
          const trace: number[] = [];
          for (let n = first; n < samples; n++) {
            trace.push(Atomics.load(cells, 2 + (n % TRACE_CAP)) * 1024);
          }
          return { idle, peak: Math.max(now, Atomics.load(cells, 0) * 1024), trace };
        },
      };
    },
    stop: () => worker.terminate().then(() => undefined),
  };
}

/** Megabytes (10⁶ bytes), as the target is stated. */
export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

/** The RSS at 0 %, 25 %, … 100 % of a window's samples, in MB, e.g. `588 640 650 652 655`. */
export function quartiles(reading: RssReading): string {
  const { trace } = reading;
  if (trace.length === 0) return '-';
  return [0, 0.25, 0.5, 0.75, 1]
    .map((q) => trace[Math.min(trace.length - 1, Math.round(q * (trace.length - 1)))] ?? 0)
    .map((bytes) => (bytes / 1e6).toFixed(0))
    .join(' ');
}
