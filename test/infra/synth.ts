import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addServiceDesk, type ServiceDeskAppOptions } from '../../lib/service-desk-app';
import type { ServiceDeskStack } from '../../lib/service-desk-stack';

/** The context `npx cdk synth` runs with (cdk.json), so the tests see the same feature flags. */
export const CDK_CONTEXT: Readonly<Record<string, unknown>> = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

/** An app with cdk.json's context that skips asset bundling: the tests need no esbuild run. */
export function testApp(options: { outdir?: string } = {}): App {
  return new App({
    context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] },
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
  });
}

/** The service desk stack as `bin/app.ts` builds it; cdk-nag off unless asked for. */
export function serviceDesk(options: ServiceDeskAppOptions & { outdir?: string } = {}): {
  app: App;
  stack: ServiceDeskStack;
} {
  const app = testApp(options);
  const stack = addServiceDesk(app, { nag: options.nag ?? false });
  return { app, stack };
}

/** The synthesized template of the service desk stack. */
export function serviceDeskTemplate(): Template {
  return Template.fromStack(serviceDesk().stack);
}
