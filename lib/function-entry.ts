import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root: where `package.json`, `package-lock.json` and `functions/` live. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The lock file esbuild bundling resolves dependencies against. */
export const DEPS_LOCK_FILE = join(PROJECT_ROOT, 'package-lock.json');

/**
 * The source file of a Lambda entry point: `functions/<folder>/<module>.ts`, a module that
 * exports `handler`.
 */
export function functionEntry(folder: 'http' | 'jobs', module: string): string {
  return join(PROJECT_ROOT, 'functions', folder, `${module}.ts`);
}

/** A kebab-case module name as a PascalCase construct id: `submit-ticket` → `SubmitTicket`. */
export function pascalCase(kebab: string): string {
  return kebab
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
