import type { BenchConfig } from './types';

/** The scenarios, in the order they run; each runs in a process and stack of its own. */
export const PHASES = [
  'cold',
  'claims',
  'queue',
  'intake',
  'export',
  'work',
  'sla',
  'sales',
  'acks',
] as const;
export type Phase = (typeof PHASES)[number];

const numbers = (name: string, fallback: number[]) =>
  (process.env[name] ?? fallback.join(','))
    .split(',')
    .map((value) => Number(value.trim()))
    .filter((value) => Number.isSafeInteger(value) && value >= 0);
const number = (name: string, fallback: number) => numbers(name, [fallback])[0] ?? fallback;

/** Sizes from the environment (all optional), e.g. BENCH_DEPTHS=1000,10000 for a quick look. */
export function readConfig(): BenchConfig {
  const only = (process.env.BENCH_ONLY ?? PHASES.join(',')).split(',').map((s) => s.trim());
  return {
    depths: numbers('BENCH_DEPTHS', [1_000, 10_000, 100_000]).sort((a, b) => a - b),
    samples: number('BENCH_SAMPLES', 200),
    warmup: number('BENCH_WARMUP', 30),
    pagingDepths: numbers('BENCH_PAGING_DEPTHS', [1_000, 10_000, 50_000, 99_000]),
    pagingSamples: number('BENCH_PAGING_SAMPLES', 50),
    claimTickets: number('BENCH_CLAIM_TICKETS', 2_000),
    agents: number('BENCH_AGENTS', 16),
    intakeRequests: number('BENCH_INTAKE_REQUESTS', 4_000),
    intakeConcurrency: number('BENCH_INTAKE_CONCURRENCY', 16),
    seedConcurrency: number('BENCH_SEED_CONCURRENCY', 8),
    exportEntries: number('BENCH_EXPORT_ENTRIES', 100_000),
    exportCustomers: number('BENCH_EXPORT_CUSTOMERS', 3_000),
    workEntries: number('BENCH_WORK_ENTRIES', 4_000),
    slaOpenTickets: numbers('BENCH_SLA_OPEN', [1_000, 100_000]).sort((a, b) => a - b),
    slaDueTickets: number('BENCH_SLA_DUE', 5),
    slaRuns: number('BENCH_SLA_RUNS', 30),
    slaReportTickets: number('BENCH_SLA_REPORT_TICKETS', 20_000),
    slaReportRuns: number('BENCH_SLA_REPORT_RUNS', 10),
    salesEntries: number('BENCH_SALES_ENTRIES', 24_000),
    salesCustomers: number('BENCH_SALES_CUSTOMERS', 1_000),
    salesTickets: number('BENCH_SALES_TICKETS', 6_000),
    salesRuns: number('BENCH_SALES_RUNS', 8),
    ackSeconds: number('BENCH_ACK_SECONDS', 60),
    ackConcurrency: number('BENCH_ACK_CONCURRENCY', 16),
    ackSoakSeconds: number('BENCH_ACK_SOAK_S', 0),
    coldRuns: number('BENCH_COLD_RUNS', 9),
    only: PHASES.filter((phase) => only.includes(phase)),
  };
}

export const timeLimitSeconds = () => number('BENCH_TIME_LIMIT_S', 1500);
export const countStoreCalls = () => process.env.BENCH_COUNT_STORE_CALLS === '1';
export const detachMailer = () => process.env.BENCH_DETACH_MAILER === '1';
