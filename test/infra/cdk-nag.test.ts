import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/http/routes';
import { PLACEHOLDER_WARNING, serviceDesk } from './synth';

/**
 * cdk-nag 3 is a policy-validation plugin: at synth, its findings go to the cloud assembly's
 * validation report, and any finding without an acknowledgment fails the synth (in a test,
 * `app.synth()` throws the report). Acknowledgments are construct metadata.
 */
interface ValidationReport {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: {
      ruleName: string;
      severity: string;
      violatingConstructs: { constructPath: string }[];
    }[];
  }[];
}

const outdirs: string[] = [];
function freshOutdir(): string {
  const outdir = mkdtempSync(join(tmpdir(), 'servicedesk-nag-'));
  outdirs.push(outdir);
  return outdir;
}
afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

/** Every acknowledgment in the tree: where, which rule, why. */
function acknowledgments(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions checks', () => {
  it('find nothing unacknowledged: the synth passes and the report lists no violation', () => {
    const { app } = serviceDesk({ nag: true, outdir: freshOutdir() });
    const assembly = app.synth();
    const report = JSON.parse(
      readFileSync(join(assembly.directory, VALIDATION_REPORT_FILE), 'utf8'),
    ) as ValidationReport;
    const findings = report.pluginReports.flatMap((plugin) =>
      plugin.violations.map(
        (v) =>
          `${v.severity} ${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`,
      ),
    );
    expect(findings).toEqual([]);
  });

  it("report cdk.json's placeholder mail settings as the one warning, unless acknowledged", () => {
    const { app } = serviceDesk({ nag: true, outdir: freshOutdir(), placeholderWarning: true });
    const assembly = app.synth();
    const report = JSON.parse(
      readFileSync(join(assembly.directory, VALIDATION_REPORT_FILE), 'utf8'),
    ) as ValidationReport;
    const findings = report.pluginReports.flatMap((plugin) =>
      plugin.violations.map((v) => `${v.severity} ${v.ruleName}`),
    );
    expect(findings).toEqual([`warning ${PLACEHOLDER_WARNING}`]);
  });

  it('do run: an unacknowledged finding fails the synth', () => {
    const { app, stack } = serviceDesk({ nag: true, outdir: freshOutdir() });
    new sqs.Queue(stack, 'QueueWithoutDeadLetterQueue');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });

  it('are acknowledged only for known reasons, each written out', () => {
    const { stack } = serviceDesk({ nag: true });
    const acks = acknowledgments(stack);
    expect(new Set(acks.map((ack) => ack.id.replace(/\[.*$/, '')))).toEqual(
      new Set([
        'AwsSolutions-APIG3', // no WAF (yet)
        'AwsSolutions-APIG4', // public and ticket-token routes have no API Gateway authorizer
        'AwsSolutions-COG4', // same routes, same reason
        'AwsSolutions-IAM4', // API Gateway's account logging role
        'AwsSolutions-IAM5', // X-Ray; a job's own function versions
        'AwsSolutions-L1', // Node.js 22 pinned
      ]),
    );
    for (const ack of acks) expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThan(60);
  });

  it('exempt from the authorizer rules exactly the routes that are not staff-only', () => {
    const { stack } = serviceDesk({ nag: true });
    const exempted = acknowledgments(stack)
      .filter((ack) => ack.id === 'AwsSolutions-APIG4')
      .map((ack) => ack.path.replace(/^ServiceDesk\/Api\/RestApi\/Default/, ''))
      .sort();
    const notStaffOnly = routes
      .filter((route) => route.auth !== 'staff')
      .map((route) => `${route.path}/${route.method}`)
      .sort();
    expect(exempted).toEqual(notStaffOnly);
  });
});
