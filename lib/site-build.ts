import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSite } from '../web/build';
import { PROJECT_ROOT } from './function-entry';

/**
 * The deployment writes `/config.json` itself, with the user pool's domain and client id,
 * which exist only at deploy time; the built one (local sign-in) is left out.
 */
export const DEPLOYED_CONFIG_PATH = '/config.json';

/**
 * Writes the web pages as `web/build.ts` builds them (pages in both languages, bundled
 * scripts, static files) into `outputDir`, one file per site path, without
 * {@link DEPLOYED_CONFIG_PATH}.
 */
export async function writeSite(outputDir: string): Promise<string[]> {
  const files = await buildSite({ config: { auth: 'local' } });
  const written: string[] = [];
  for (const [path, file] of files) {
    if (path === DEPLOYED_CONFIG_PATH) continue;
    const target = join(outputDir, ...path.split('/').filter(Boolean));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.body);
    written.push(path);
  }
  return written.sort();
}

/**
 * {@link writeSite} for the synchronous world of CDK asset bundling: runs this module with
 * tsx in a child process (esbuild's build API is asynchronous) and waits for it. No Docker,
 * no network.
 */
export function writeSiteSync(outputDir: string): void {
  try {
    execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), outputDir], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`Building the web pages failed${stderr ? `:\n${stderr}` : ''}`, {
      cause: error,
    });
  }
}

// Run as a script (by writeSiteSync): `node --import tsx lib/site-build.ts <outputDir>`.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outputDir = process.argv[2];
  if (!outputDir) throw new Error('Usage: site-build.ts <outputDir>');
  writeSite(outputDir).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
