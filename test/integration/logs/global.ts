import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingCorrelationIn, personalDataIn } from './personal-data';

/**
 * Global setup of the integration tests: a folder for the log lines of the whole run
 * (`capture.ts`), and at its end the check that none of them holds personal data — the
 * addresses, names and texts the tests send in — and that each line of an invocation or
 * about a ticket carries a correlation id. A finding fails the run.
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
      const uncorrelated = lines.flatMap((line) => {
        const why = missingCorrelationIn(line);
        return why ? [`${why}: ${line.slice(0, 300)}`] : [];
      });
      // vitest reports an error of a global teardown but keeps its exit code: set it here.
      if (lines.filter(Boolean).length === 0 || findings.length > 0 || uncorrelated.length > 0) {
        process.exitCode = 1;
      }
      if (lines.filter(Boolean).length === 0) {
        throw new Error('No log line of the integration run was captured: the check saw nothing.');
      }
      if (findings.length > 0) {
        throw new Error(
          `The integration run logged personal data (SPEC §13) in ${findings.length} line(s):\n` +
            findings.slice(0, 20).join('\n'),
        );
      }
      if (uncorrelated.length > 0) {
        throw new Error(
          `${uncorrelated.length} log line(s) of the run carry no correlation id:\n` +
            uncorrelated.slice(0, 20).join('\n'),
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
