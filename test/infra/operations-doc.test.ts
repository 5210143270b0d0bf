import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { serviceDeskTemplate } from './synth';
import { resourcesOfType } from './template-model';

/**
 * docs/operations.md, "The alarms": a row for every alarm the stack creates, so whoever is
 * paged finds what it means and what to do (issue 16 §6). The first column names the
 * alarm's construct id: `…` stands for any prefix, `<Function>` for a function's name.
 */
const GUIDE = new URL('../../docs/operations.md', import.meta.url);

/** The alarm patterns of the table in section 3, as written in its first column. */
function alarmRows(markdown: string): string[] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith('3. The alarms'));
  if (!section) throw new Error('docs/operations.md has no section "3. The alarms"');
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => /^\| `([^`]+)`/.exec(line)?.[1] ?? '');
}

/** A row's pattern as a regular expression over the logical id without its hash. */
function patternOf(row: string): RegExp {
  const escaped = row
    .split(/(…|<Function>)/)
    .map((part) =>
      part === '…'
        ? '[A-Za-z0-9]*'
        : part === '<Function>'
          ? '[A-Za-z0-9]+'
          : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  // Construct ids are named from their scope down: a row may leave the scopes out.
  return new RegExp(`^[A-Za-z0-9]*${escaped}$`);
}

describe('docs/operations.md', () => {
  let alarmIds: string[];
  let rows: string[];

  beforeAll(() => {
    alarmIds = Object.keys(resourcesOfType(serviceDeskTemplate(), 'AWS::CloudWatch::Alarm')).map(
      (id) => id.replace(/[0-9A-F]{8}$/, ''),
    );
    rows = alarmRows(readFileSync(GUIDE, 'utf8'));
  });

  it('has a row for every alarm of the synthesized stack (with its nested jobs)', () => {
    expect(alarmIds.length).toBeGreaterThan(20);
    const patterns = rows.map(patternOf);
    const undocumented = alarmIds.filter((id) => !patterns.some((p) => p.test(id)));
    expect(undocumented).toEqual([]);
  });

  it('has no row for an alarm the stack does not create', () => {
    expect(rows.length).toBeGreaterThan(10);
    const stale = rows.filter((row) => !alarmIds.some((id) => patternOf(row).test(id)));
    expect(stale).toEqual([]);
  });
});
