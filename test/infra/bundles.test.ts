import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/http/routes';
import { TICKET_MAKING_HANDLERS } from '../../lib/service-desk-stack';
import { buildBundles, functionEntries, type Bundle } from '../../bin/bench/bundles';
import { dynamoDbOnlyHandlers } from '../../bin/bench/cold-start';

/**
 * Each Lambda bundle, built as `cdk synth` builds it, holds exactly the AWS clients its
 * function is granted (lib/service-desk-api.ts binds them from the same route table): a
 * handler that could use the outbox without the grant would fail in AWS only, and one that
 * bundles a client it never uses starts slower (issue 16 §3).
 */
describe('Lambda bundles', () => {
  let outDir: string;
  let bundles: Map<string, Bundle>;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'servicedesk-bundles-test-'));
    bundles = new Map(
      (await buildBundles(outDir, functionEntries(), { baseline: true })).map((b) => [b.name, b]),
    );
  });
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  const bundleOf = (name: string): Bundle => {
    const bundle = bundles.get(name);
    if (!bundle) throw new Error(`no bundle ${name}`);
    return bundle;
  };

  it.each(routes.map((route) => [route.handler, route] as const))(
    'http/%s bundles the SQS, S3 and Secrets Manager clients only when its route is granted them',
    (handler, route) => {
      const packages = bundleOf(`http/${handler}`).packages;
      expect(packages.has('@aws-sdk/client-sqs')).toBe(route.outbox === true);
      expect(packages.has('@aws-sdk/client-s3')).toBe(
        route.mailBucket !== undefined || route.exportBucket === true,
      );
      expect(packages.has('@aws-sdk/client-secrets-manager')).toBe(
        (TICKET_MAKING_HANDLERS as readonly string[]).includes(handler),
      );
      // Only the mailer sends mail; the API only queues it.
      expect(packages.has('@aws-sdk/client-sesv2')).toBe(false);
      expect(packages.has('nodemailer')).toBe(false);
    },
  );

  it('the mailer alone bundles the SES client', () => {
    const withSes = [...bundles.values()]
      .filter((b) => b.packages.has('@aws-sdk/client-sesv2'))
      .map((b) => b.name);
    expect(withSes).toEqual(['jobs/mailer']);
  });

  // Every handler's middy stack logs and publishes metrics through Powertools (the logger,
  // the metrics and their commons; 32.6 KB in http/get-ticket when measured): a cost of its
  // own, bounded on its own, beside the 250 KB the handler's own parts may take.
  const POWERTOOLS_PACKAGES = [
    '@aws-lambda-powertools/logger',
    '@aws-lambda-powertools/metrics',
    '@aws-lambda-powertools/commons',
  ];
  const powertoolsBytes = (bundle: Bundle): number =>
    POWERTOOLS_PACKAGES.reduce((sum, name) => sum + (bundle.packageBytes.get(name) ?? 0), 0);

  it('a DynamoDB-only handler is the DynamoDB client, the Powertools logger and metrics (at most 40 KB) plus at most 250 KB (zod, middy, jose, own code)', () => {
    const baseline = bundleOf('baseline').bytes;
    const handlers = [...dynamoDbOnlyHandlers()];
    expect(handlers.length).toBeGreaterThan(10);
    for (const name of handlers) {
      const bundle = bundleOf(name);
      const powertools = powertoolsBytes(bundle);
      expect(powertools, name).toBeGreaterThan(0); // measured, not assumed
      expect(powertools, name).toBeLessThan(40 * 1024);
      expect(bundle.bytes - baseline - powertools, name).toBeLessThan(250 * 1024);
    }
  });
});
