import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addServiceDesk, type ServiceDeskAppOptions } from '../../lib/service-desk-app';
import type { ServiceDeskStack } from '../../lib/service-desk-stack';

/** The context `npx cdk synth` runs with (cdk.json), so the tests see the same feature flags. */
export const CDK_CONTEXT: Readonly<Record<string, unknown>> = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

/** The warning a synth with cdk.json's placeholder mail settings gives (lib/mail-settings.ts). */
export const PLACEHOLDER_WARNING = 'Annotation::servicedesk:placeholderMailSettings';

/**
 * An app with cdk.json's context that skips asset bundling: the tests need no esbuild run.
 * The tests synthesize with cdk.json's placeholder mail settings on purpose, so the warning
 * about them is acknowledged here (unless `placeholderWarning` is asked for), not in the stack.
 */
export function testApp(
  options: {
    outdir?: string;
    placeholderWarning?: boolean;
    /** Context values beside (or instead of) cdk.json's. */
    context?: Record<string, unknown>;
  } = {},
): App {
  const app = new App({
    context: { ...CDK_CONTEXT, ...options.context, 'aws:cdk:bundling-stacks': [] },
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
  });
  if (!options.placeholderWarning) {
    Validations.of(app).acknowledge({
      id: PLACEHOLDER_WARNING,
      reason: "The infra tests synthesize with cdk.json's placeholder mail settings on purpose.",
    });
  }
  return app;
}

/** The service desk stack as `bin/app.ts` builds it; cdk-nag off unless asked for. */
export function serviceDesk(options: ServiceDeskAppOptions & Parameters<typeof testApp>[0] = {}): {
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
