/**
 * The Lambda bundles as `cdk synth` makes them (the esbuild options of `DEFAULT_BUNDLING` in
 * lib/service-desk-function.ts), built into a folder of one's choice: for the cold-start run
 * of the bench and for the test that a handler bundles only the AWS clients its route uses.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { routes } from '../../functions/http/routes';
import { DEFAULT_BUNDLING } from '../../lib/service-desk-function';
import { functionEntry, PROJECT_ROOT } from '../../lib/function-entry';
import { SCHEDULED_JOBS } from '../../lib/scheduled-jobs';

/** A Lambda entry point: an API handler or a job. */
export interface FunctionEntry {
  /** `http/list-queue`, `jobs/mailer`, or `baseline` for the DynamoDB-only reference. */
  name: string;
  entry: string;
}

/** The queue consumers, besides the scheduled jobs (lib/mailer.ts, lib/mail-intake.ts). */
const QUEUE_CONSUMERS = ['mailer', 'intake', 'mail-feedback'] as const;

/** Every function the stack deploys, each once. */
export function functionEntries(): FunctionEntry[] {
  const http = [...new Set(routes.map((route) => route.handler))].map((handler) => ({
    name: `http/${handler}`,
    entry: functionEntry('http', handler),
  }));
  const jobs = [...QUEUE_CONSUMERS, ...SCHEDULED_JOBS.map((job) => job.handler)].map((job) => ({
    name: `jobs/${job}`,
    entry: functionEntry('jobs', job),
  }));
  return [...http, ...jobs];
}

/**
 * The reference a DynamoDB-only handler is measured against: a module that holds just the
 * DynamoDB document client (as `functions/adapters/dynamodb.ts` builds it) and creates it.
 */
export const BASELINE_SOURCE = `
import { createDocumentClient } from ${JSON.stringify(join(PROJECT_ROOT, 'functions/adapters/dynamodb.ts'))};
export const db = createDocumentClient({});
export const handler = async () => db;
`;

/** A built bundle: its file, its size and the npm packages in it. */
export interface Bundle extends FunctionEntry {
  file: string;
  bytes: number;
  mapBytes: number;
  /** npm package names in the bundle (`@aws-sdk/client-sqs`, `zod`, …). */
  packages: Set<string>;
  /** Bytes each npm package adds to the bundle's output (esbuild's `bytesInOutput`). */
  packageBytes: Map<string, number>;
}

/** Bundles `entries` (and the baseline, when asked) into `outDir`, one `.mjs` per function. */
export async function buildBundles(
  outDir: string,
  entries: readonly FunctionEntry[],
  options: { baseline?: boolean } = {},
): Promise<Bundle[]> {
  await mkdir(outDir, { recursive: true });
  const all = [...entries];
  if (options.baseline) {
    const entry = join(outDir, 'baseline-entry.ts');
    await writeFile(entry, BASELINE_SOURCE);
    all.unshift({ name: 'baseline', entry });
  }
  const bundles: Bundle[] = [];
  for (const { name, entry } of all) {
    const file = join(outDir, `${name.replace('/', '--')}.mjs`);
    const result = await build({
      entryPoints: [entry],
      outfile: file,
      bundle: true,
      platform: 'node',
      format: 'esm',
      minify: DEFAULT_BUNDLING.minify ?? false,
      sourcemap: DEFAULT_BUNDLING.sourceMap ?? false,
      sourcesContent: DEFAULT_BUNDLING.sourcesContent ?? true,
      target: DEFAULT_BUNDLING.target ?? 'node22',
      mainFields: DEFAULT_BUNDLING.mainFields ?? ['module', 'main'],
      ...(DEFAULT_BUNDLING.banner ? { banner: { js: DEFAULT_BUNDLING.banner } } : {}),
      metafile: true,
      logLevel: 'error',
    });
    const outputs = result.metafile.outputs;
    const output = Object.entries(outputs).find(([path]) => path.endsWith('.mjs'))?.[1];
    const map = Object.entries(outputs).find(([path]) => path.endsWith('.mjs.map'))?.[1];
    bundles.push({
      name,
      entry,
      file,
      bytes: output?.bytes ?? 0,
      mapBytes: map?.bytes ?? 0,
      packages: packagesIn(result.metafile),
      packageBytes: packageBytesOf(output?.inputs ?? {}),
    });
  }
  return bundles;
}

/** The npm package of a bundled file's path, if it is in one. */
function packageOf(path: string): string | undefined {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
}

function packageBytesOf(inputs: Record<string, { bytesInOutput: number }>): Map<string, number> {
  const bytes = new Map<string, number>();
  for (const [path, input] of Object.entries(inputs)) {
    const name = packageOf(path);
    if (name) bytes.set(name, (bytes.get(name) ?? 0) + input.bytesInOutput);
  }
  return bytes;
}

function packagesIn(metafile: Metafile): Set<string> {
  const names = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    if (match?.[1]) names.add(match[1]);
  }
  return names;
}
