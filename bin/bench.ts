/**
 * `npm run bench`: performance figures of the queue, claims, intake, the billing export and
 * recording work, each next to the raw DynamoDB operation measured in the same run against
 * the same stand-in (docs/performance.md).
 *
 * The cold-start run (cold) builds every Lambda bundle and imports each in fresh Node
 * processes (bin/bench/cold-start.ts). Each other scenario (claims, queue, intake, export,
 * work, sla, sales, acks) runs in a child process of its own
 * (bin/bench/phase.ts) with a fresh data folder and local stack (dynalite and the HTTP API
 * over the shared route table, 127.0.0.1 only); the load comes from a worker thread
 * (bin/bench/run.ts). The folders are deleted afterwards. This process prints the targets.
 *
 * Exit code 0 also when a target is MISSED (it is a report); 1 when the bench itself failed;
 * 2 when it hit its time limit (BENCH_TIME_LIMIT_S, default 1500). Sizes can be lowered for a
 * quick look (bin/bench/config.ts), e.g. BENCH_DEPTHS=1000,10000 BENCH_ONLY=queue.
 * BENCH_COUNT_STORE_CALLS=1 counts the product's DynamoDB calls per operation (diagnostics).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { coldStart } from './bench/cold-start';
import { readConfig, timeLimitSeconds } from './bench/config';
import { section, table, type TargetResult } from './bench/report';
import type { WorkerMessage } from './bench/types';

const config = readConfig();
const timeLimitMs = timeLimitSeconds() * 1000;
const started = performance.now();
let child: ChildProcess | undefined;

const watchdog = setTimeout(() => {
  console.error(`\nABORTED: the bench hit its time limit of ${timeLimitMs / 1000} s.`);
  stopChild();
  setTimeout(() => process.exit(2), 3000).unref();
}, timeLimitMs);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopChild();
    setTimeout(() => process.exit(130), 3000).unref();
  });
}

console.log(
  `servicedesk bench — ${new Date().toISOString()}\n` +
    `  machine: ${availableParallelism()} × ${cpus()[0]?.model ?? 'unknown CPU'}, ` +
    `${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ` +
    `${process.platform}/${process.arch}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n` +
    '  per scenario: a fresh local stack in a child process (API and mailer on its main ' +
    'thread, dynalite on a thread of its own, as with npm start), load from a worker thread',
);

const targets: TargetResult[] = [];
const failures: string[] = [];
for (const phase of config.only) {
  if (phase === 'cold') {
    // No local stack: fresh Node processes import the built bundles (bin/bench/cold-start.ts).
    targets.push(...(await coldStart(config.coldRuns)));
    continue;
  }
  const message = await runPhase(phase);
  if (message.type === 'error') failures.push(`${phase}: ${message.message}`);
  else targets.push(...message.targets);
}
clearTimeout(watchdog);

section('TARGETS');
console.log(
  table(
    ['target', 'measured', 'wanted', 'verdict'],
    targets.map((t) => [
      t.name,
      t.measured,
      t.target,
      t.ok ? 'PASS' : `MISSED (${t.note ?? 'see above'})`,
    ]),
  ),
);
const missed = targets.filter((t) => !t.ok);
for (const failure of failures) console.error(`\nBENCH FAILED in ${failure}`);
if (missed.length > 0) {
  console.log(`\n${missed.length} target(s) MISSED (exit code stays 0: this is a report).`);
} else if (failures.length === 0) {
  console.log('\nAll targets met.');
}
console.log(`Finished in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
process.exit(failures.length > 0 ? 1 : 0);

/** Runs one scenario in bin/bench/phase.ts, loaded through tsx like this file. */
function runPhase(phase: string): Promise<WorkerMessage> {
  return new Promise((resolve) => {
    let answer: WorkerMessage | undefined;
    child = fork(fileURLToPath(new URL('./bench/phase.ts', import.meta.url)), {
      execArgv: process.execArgv,
      env: { ...process.env, BENCH_PHASE: phase },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (message: WorkerMessage) => (answer = message));
    child.on('exit', (code, signal) => {
      child = undefined;
      resolve(answer ?? { type: 'error', message: `exited with ${signal ?? code}` });
    });
  });
}

function stopChild(): void {
  if (child?.pid !== undefined) child.kill('SIGTERM');
}
