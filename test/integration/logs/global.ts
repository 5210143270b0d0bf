import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { personalDataIn } from './personal-data';

/**
 * Global setup of the integration tests: a folder for the log lines of the whole run
 * (`capture.ts`), and at its end the check that none of them holds personal data — the
 * addresses, names and texts the tests send in. A finding fails the run.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'servicedesk-logs-'));
  process.env.SERVICEDESK_LOG_CAPTURE_DIR = dir;
  return () => {
    try {
      const lines = readdirSync(dir).flatMap((name) =>
        readFileSync(join(dir, name), 'utf8').split('\n'),
      );
      const findings = lines.flatMap((line) =>
        personalDataIn(line).map((found) => `${found}: ${line.slice(0, 300)}`),
      );
      // vitest reports an error of a global teardown but keeps its exit code: set it here.
      if (lines.filter(Boolean).length === 0 || findings.length > 0) process.exitCode = 1;
      if (lines.filter(Boolean).length === 0) {
        throw new Error('No log line of the integration run was captured: the check saw nothing.');
      }
      if (findings.length > 0) {
        throw new Error(
          `The integration run logged personal data (SPEC §13) in ${findings.length} line(s):\n` +
            findings.slice(0, 20).join('\n'),
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
