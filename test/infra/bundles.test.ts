import { mkdtemp, readFile, rm } from 'node:fs/promises';
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

  // What a DynamoDB-only handler adds to the DynamoDB client: its middy stack with the
  // Powertools logger and metrics (32.6 KB when measured), zod and the schemas it uses (each
  // schema is a pure expression, so a bundle keeps only its own), jose and its own code.
  it('a DynamoDB-only handler is the DynamoDB client plus at most 250 KB (Powertools, zod, middy, jose, own code)', () => {
    const baseline = bundleOf('baseline').bytes;
    const handlers = [...dynamoDbOnlyHandlers()];
    expect(handlers.length).toBeGreaterThan(10);
    for (const name of handlers) {
      expect(bundleOf(name).bytes - baseline, name).toBeLessThan(250 * 1024);
    }
  });

  it('a handler bundles only the request schemas it uses', async () => {
    // get-ticket checks a ticket number, never a customer id nor a service-level plan.
    const code = await readFile(bundleOf('http/get-ticket').file, 'utf8');
    expect(code).toContain('must be a ticket number like T-10001');
    expect(code).not.toContain('letters, digits, . _ - (at most 64)');
    expect(code).not.toContain('must be a calendar day YYYY-MM-DD');
  });
});
