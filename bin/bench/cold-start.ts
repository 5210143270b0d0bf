/**
 * The cold-start run of `npm run bench` (BENCH_ONLY=cold): every Lambda bundle, built as
 * `cdk synth` builds it (bundles.ts), is imported in a fresh Node process, with and without
 * `--enable-source-maps` (the functions run with it), BENCH_COLD_RUNS times each, round
 * robin over the bundles so that a busy moment of the machine hits them all alike. The
 * median import time (CPU time of the process; wall time is shown too) of each is set against a bundle holding just the DynamoDB document
 * client; target: at most 1.5× for the handlers that use nothing but DynamoDB.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { routes } from '../../functions/http/routes';
import { TICKET_MAKING_HANDLERS } from '../../lib/service-desk-stack';
import { buildBundles, functionEntries, type Bundle } from './bundles';
import { ratioTarget, section, table, type TargetResult } from './report';

const run = promisify(execFile);

/** Median import time target of a DynamoDB-only handler, over the baseline's. */
export const DYNAMODB_ONLY_TARGET = 1.5;

/**
 * The API handlers that use no AWS service but DynamoDB, by the route table: no outbox, no
 * bucket, no secret (the ticket-making routes and the voicemail hook read secrets).
 */
export function dynamoDbOnlyHandlers(): Set<string> {
  const withSecrets = new Set<string>(TICKET_MAKING_HANDLERS);
  return new Set(
    routes
      .filter(
        (route) =>
          route.table !== 'none' &&
          !route.outbox &&
          !route.mailBucket &&
          !route.exportBucket &&
          !withSecrets.has(route.handler),
      )
      .map((route) => `http/${route.handler}`),
  );
}

/** One import: wall-clock and CPU milliseconds (user + system) of the process. */
interface Sample {
  wall: number;
  cpu: number;
}

/**
 * How long one fresh process takes to import `file`. CPU time as well as wall time: on a
 * machine shared with other work, the wall clock also counts the time the process waited
 * for a core, which says nothing about the bundle.
 */
async function importTime(file: string, sourceMaps: boolean): Promise<Sample> {
  const script =
    'const c = process.cpuUsage(); const t = performance.now();' +
    `await import(${JSON.stringify(pathToFileURL(file).href)});` +
    'const u = process.cpuUsage(c);' +
    'process.stdout.write(JSON.stringify({ wall: performance.now() - t, cpu: (u.user + u.system) / 1000 }));';
  const { stdout } = await run(
    process.execPath,
    [...(sourceMaps ? ['--enable-source-maps'] : []), '--input-type=module', '-e', script],
    // The SDK warns on Node 20; the warning is not what is measured.
    { env: { ...process.env, NODE_NO_WARNINGS: '1' } },
  );
  return JSON.parse(stdout) as Sample;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

/** The AWS clients (and the MIME composer) a bundle holds besides DynamoDB's. */
const CLIENTS: Readonly<Record<string, string>> = {
  '@aws-sdk/client-sqs': 'SQS',
  '@aws-sdk/client-s3': 'S3',
  '@aws-sdk/client-sesv2': 'SES',
  '@aws-sdk/client-secrets-manager': 'Secrets Manager',
  nodemailer: 'nodemailer',
};

function otherClients(bundle: Bundle): string {
  const names = Object.entries(CLIENTS)
    .filter(([pkg]) => bundle.packages.has(pkg))
    .map(([, name]) => name);
  return names.length ? names.join(', ') : '-';
}

const kib = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en-US')} KB`;

/** Builds, imports and reports; returns the targets. */
export async function coldStart(runs: number): Promise<TargetResult[]> {
  const outDir = await mkdtemp(join(tmpdir(), 'servicedesk-bundles-'));
  try {
    const bundles = await buildBundles(outDir, functionEntries(), { baseline: true });
    const times = new Map<string, { plain: Sample[]; maps: Sample[] }>(
      bundles.map((bundle) => [bundle.name, { plain: [], maps: [] }]),
    );
    for (let round = 0; round < runs; round++) {
      for (const bundle of bundles) {
        const samples = times.get(bundle.name);
        samples?.plain.push(await importTime(bundle.file, false));
        samples?.maps.push(await importTime(bundle.file, true));
      }
    }
    return report(bundles, times, runs);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

function report(
  bundles: Bundle[],
  times: Map<string, { plain: Sample[]; maps: Sample[] }>,
  runs: number,
): TargetResult[] {
  const medians = new Map(
    [...times].map(([name, { plain, maps }]) => [
      name,
      {
        plain: median(plain.map((s) => s.cpu)),
        maps: median(maps.map((s) => s.cpu)),
        wall: median(plain.map((s) => s.wall)),
      },
    ]),
  );
  const base = medians.get('baseline') ?? { plain: 1, maps: 1, wall: 1 };
  const dynamoOnly = dynamoDbOnlyHandlers();
  section(`COLD START — import of each bundle in a fresh process, median of ${runs}, CPU ms`);
  console.log(
    table(
      [
        'bundle',
        'size',
        'source map',
        'import (CPU)',
        '× baseline',
        'with maps',
        '× baseline',
        'wall',
        'AWS clients besides DynamoDB',
      ],
      bundles.map((bundle) => {
        const m = medians.get(bundle.name) ?? base;
        return [
          bundle.name,
          kib(bundle.bytes),
          kib(bundle.mapBytes),
          `${m.plain.toFixed(1)} ms`,
          `${(m.plain / base.plain).toFixed(2)}×`,
          `${m.maps.toFixed(1)} ms`,
          `${(m.maps / base.maps).toFixed(2)}×`,
          `${m.wall.toFixed(1)} ms`,
          otherClients(bundle) + (dynamoOnly.has(bundle.name) ? ' (target)' : ''),
        ];
      }),
    ),
  );
  const worst = (key: 'plain' | 'maps') =>
    Math.max(
      ...bundles
        .filter((bundle) => dynamoOnly.has(bundle.name))
        .map((bundle) => (medians.get(bundle.name)?.[key] ?? 0) / base[key]),
    );
  return [
    ratioTarget(
      'cold import, slowest DynamoDB-only handler vs. DynamoDB client',
      worst('plain'),
      'atMost',
      DYNAMODB_ONLY_TARGET,
    ),
    ratioTarget(
      '  the same with --enable-source-maps',
      worst('maps'),
      'atMost',
      DYNAMODB_ONLY_TARGET,
    ),
  ];
}
