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
    // WAF findings (APIG3, CFR2) are no longer acknowledged: both web ACLs exist.
    expect(new Set(acks.map((ack) => ack.id.replace(/\[.*$/, '')))).toEqual(
      new Set([
        'AwsSolutions-APIG4', // public and ticket-token routes have no API Gateway authorizer
        'AwsSolutions-CFR1', // no geo restriction: customers write from anywhere
        'AwsSolutions-CFR4', // the default *.cloudfront.net certificate, until one is configured
        'AwsSolutions-COG4', // same routes as APIG4, same reason
        'AwsSolutions-IAM4', // API Gateway's account logging role
        'AwsSolutions-IAM5', // X-Ray; function versions; bucket prefixes; SES; BucketDeployment
        'AwsSolutions-L1', // Node.js 22 pinned; BucketDeployment's own runtime
        'AwsSolutions-S1', // the access log bucket does not log into itself
        'AwsSolutions-SMG4', // the voicemail and origin secrets are rotated by hand (with the phone system, by a deploy)
        'AwsSolutions-SQS3', // the scheduled jobs' failed-runs queue is a dead-letter queue nag does not see as one
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
  it('acknowledge wildcard object grants per bucket prefix, each prefix named', () => {
    const { stack } = serviceDesk({ nag: true });
    const prefixes = acknowledgments(stack)
      .map((ack) =>
        // A job's role (nested stack) names the bucket by the parameter that passes its ARN.
        /^AwsSolutions-IAM5\[Resource::<(?:Data|referencetoServiceDeskData)(\w+?)Bucket[0-9A-F]{8}\.?Arn>\/(.*)\]$/.exec(
          ack.id,
        ),
      )
      .flatMap((match) => (match ? [`${match[1]} ${match[2]}`] : []));
    // Several functions may hold the same prefix; each acknowledgement names one of these.
    expect([...new Set(prefixes)].sort()).toEqual([
      'Export monthly/*',
      'Export requests/*',
      // The erasure deletes a person's stored access export, and nothing else there.
      'Export requests/privacy/*',
      'Mail attachments/*',
      'Mail incoming/*',
      'Mail quarantine/*',
    ]);
  });

  it('acknowledge the default certificate only while no certificate of your own is set', () => {
    const certificateArn = 'arn:aws:acm:us-east-1:111122223333:certificate/abc-123';
    const { stack } = serviceDesk({
      nag: true,
      context: { 'servicedesk:siteCertificateArn': certificateArn },
    });
    expect(acknowledgments(stack).map((ack) => ack.id)).not.toContain('AwsSolutions-CFR4');
  });
});
