/** Plain-text tables and the list of targets with their verdicts. */

export interface TargetResult {
  name: string;
  /** The measured ratio or value, as printed. */
  measured: string;
  target: string;
  ok: boolean;
  /** How far off, when missed. */
  note?: string;
}

export const ms = (value: number) => `${value.toFixed(2)} ms`;
export const ratio = (value: number) => `${value.toFixed(2)}×`;
export const rate = (value: number) => `${Math.round(value).toLocaleString('en-US')}/s`;
export const count = (value: number) => value.toLocaleString('en-US');
export const percent = (value: number) => `${(value * 100).toFixed(0)}%`;
export const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

/** Left-aligned first column, right-aligned others. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return column === 0 ? cell.padEnd(width) : cell.padStart(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(headers), rule, ...rows.map(line)].map((l) => `  ${l}`).join('\n');
}

export function section(title: string): void {
  console.log(`\n== ${title} ${'='.repeat(Math.max(0, 86 - title.length))}`);
}

/** A ratio target of the form measured ≤ limit (`atMost`) or measured ≥ limit. */
export function ratioTarget(
  name: string,
  measured: number,
  comparison: 'atMost' | 'atLeast',
  limit: number,
  asPercent = false,
): TargetResult {
  const ok = comparison === 'atMost' ? measured <= limit : measured >= limit;
  const show = asPercent ? percent : ratio;
  const result: TargetResult = {
    name,
    measured: show(measured),
    target: `${comparison === 'atMost' ? '≤' : '≥'} ${show(limit)}`,
    ok,
  };
  if (!ok) {
    const off = comparison === 'atMost' ? measured / limit - 1 : 1 - measured / limit;
    result.note = `off by ${(off * 100).toFixed(off < 0.1 ? 1 : 0)}% of the target`;
  }
  return result;
}

/** One timed run of a throughput scenario, on the raw or the product side. */
export interface ThroughputRun {
  ops: number;
  ms: number;
  latency: { median: number; p95: number };
}

/**
 * The totals per side of interleaved throughput runs, and a table row per run labelled
 * with `labels[side]`.
 */
export function throughputRuns(
  runs: { side: 'raw' | 'http'; run: ThroughputRun }[],
  labels: Record<'raw' | 'http', string>,
) {
  const total = (side: 'raw' | 'http') => {
    const mine = runs.filter((r) => r.side === side).map((r) => r.run);
    const ops = mine.reduce((sum, r) => sum + r.ops, 0);
    const took = mine.reduce((sum, r) => sum + r.ms, 0);
    return { ops, ms: took, rate: (ops / took) * 1000 };
  };
  const rows = runs.map(({ side, run }, i) => [
    `${labels[side]} (run ${i + 1})`,
    count(run.ops),
    `${(run.ms / 1000).toFixed(2)} s`,
    rate((run.ops / run.ms) * 1000),
    ms(run.latency.median),
    ms(run.latency.p95),
  ]);
  return { rows, http: total('http'), raw: total('raw') };
}
