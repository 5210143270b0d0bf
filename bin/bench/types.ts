import type { TargetResult } from './report';

/** What the host (bin/bench.ts) hands the load-generating worker, and what it answers. */

export interface BenchConfig {
  /** Waiting tickets at which the queue page is measured, ascending. */
  depths: number[];
  /** Timed requests per side (HTTP and raw) and depth. */
  samples: number;
  /** Untimed requests per side before timing. */
  warmup: number;
  /** Queue positions (at the deepest depth) at which a cursor page is timed. */
  pagingDepths: number[];
  /** Timed requests per side at each paging depth. */
  pagingSamples: number;
  /** Waiting tickets the agents drain. */
  claimTickets: number;
  /** Concurrent agents (distinct tokens), and concurrent raw UpdateItem workers. */
  agents: number;
  /** Tickets submitted per side in the intake run. */
  intakeRequests: number;
  /** Concurrent clients (HTTP) and workers (raw PutItem) in the intake run. */
  intakeConcurrency: number;
  /** BatchWrite calls in flight while seeding. */
  seedConcurrency: number;
  /** Billable entries of the exported month (plus some free ones and a neighbouring month). */
  exportEntries: number;
  /** Customers the exported entries belong to (names come from their items). */
  exportCustomers: number;
  /** Work entries recorded per side in the work run (16 agents, 16 raw workers). */
  workEntries: number;
  /** Open contract tickets at which the escalation job is timed (two sizes, ascending). */
  slaOpenTickets: number[];
  /** Tickets due (all four stages) before each timed escalation run. */
  slaDueTickets: number;
  /** Timed escalation runs per size. */
  slaRuns: number;
  /** Tickets of the month the service-level report reads. */
  slaReportTickets: number;
  /** Timed report runs per side (report and raw Query). */
  slaReportRuns: number;
  /** Work entries over the 12 months the sales reports read (one in five wholly covered). */
  salesEntries: number;
  /** Customers of those entries (every fifth with a contract). */
  salesCustomers: number;
  /** Tickets over the same 12 months (the received index). */
  salesTickets: number;
  /** Timed runs per side and report. */
  salesRuns: number;
  /** Seconds of intake in the acknowledgement-lag run. */
  ackSeconds: number;
  /** Concurrent clients in the acknowledgement-lag run. */
  ackConcurrency: number;
  /** Seconds of the RSS soak after it (0: skipped). */
  ackSoakSeconds: number;
  /** Fresh-process imports of each Lambda bundle in the cold-start run. */
  coldRuns: number;
  /** Scenarios to run: `cold`, `claims`, `queue`, `intake`, `export`, `work`, `sla`, `sales`, `acks`. */
  only: string[];
}

export interface AgentToken {
  sub: string;
  token: string;
}

export interface WorkerInput {
  config: BenchConfig;
  apiUrl: string;
  dynamoDbEndpoint: string;
  tableName: string;
  /** The SQS stand-in and the outbox the mailer drains (intake waits for it between runs). */
  sqsEndpoint: string;
  outbox: { url: string; deadLetterUrl: string };
  /** Set in diagnostics mode (BENCH_COUNT_STORE_CALLS=1): counts the product's store calls. */
  storeCounterUrl?: string;
  /** Diagnostics switched on for this run; their figures are not the bench's figures. */
  diagnostics: string[];
  tokens: { reader: string; admin: string; finance: string; agents: AgentToken[] };
  /** The SES stand-in, for the raw send rate. */
  sesEndpoint: string;
  /** Mailer batches at a time (the raw sends run at the same concurrency). */
  mailerConcurrency: number;
  /**
   * When each ticket's first mail reached the SES stand-in (epoch ms, by ticket number −
   * 10001; 0 = none yet), written by the stack's thread, read by the load's.
   */
  mailTimes: SharedArrayBuffer;
}

/** From the worker to its phase process, and from the phase process to bin/bench.ts. */
export type WorkerMessage =
  { type: 'done'; targets: TargetResult[] } | { type: 'error'; message: string };
