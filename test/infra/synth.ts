import { readFileSync } from 'node:fs';
import type { Stack } from 'aws-cdk-lib';
import { App, NestedStack, Validations } from 'aws-cdk-lib';
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

/** A template as JSON: what the tests rewrite to see a nested stack as its parent does. */
type TemplateJson = {
  Resources?: Record<string, unknown>;
  Outputs?: Record<string, { Value: unknown }>;
} & Record<string, unknown>;

/** `value` with every node `replace` answers for (anything but undefined) replaced. */
function rewrite(value: unknown, replace: (node: unknown) => unknown): unknown {
  const replaced = replace(value);
  if (replaced !== undefined) return replaced;
  if (Array.isArray(value)) return value.map((item) => rewrite(item, replace));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, rewrite(item, replace)]),
    );
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The resources of `stack` and of the nested stacks `nestedIds` names as one template, the way the deployment
 * sees them: in a nested template each `{Ref}` of a parameter the parent passes is replaced by
 * the parent's expression (so a job's grant on the table reads `Fn::GetAtt [DataTable…, Arn]`
 * as it did before the jobs moved), and in the parent each `Outputs.X` of a nested stack by
 * the nested output's value. Logical ids must be unique across the stacks (checked). The
 * nested stacks' own `AWS::CloudFormation::Stack` resources stay in. Per-template limits
 * (500 resources) are checked on `Template.fromStack` of each stack, not on this view.
 */
export function deploymentTemplate(stack: Stack, nestedIds: readonly string[] = []): Template {
  const parent = Template.fromStack(stack).toJSON() as TemplateJson;
  const resources: Record<string, unknown> = { ...parent.Resources };
  const nestedOutputs = new Map<string, Record<string, unknown>>();
  const nestedStacks = stack.node
    .findAll()
    .filter(
      (c): c is NestedStack =>
        NestedStack.isNestedStack(c) &&
        c.nestedStackParent === stack &&
        nestedIds.includes(c.node.id),
    );
  for (const nested of nestedStacks) {
    if (!nested.nestedStackResource) throw new Error(`${nested.node.path} has no resource`);
    const stackId = stack.getLogicalId(nested.nestedStackResource);
    const stackResource = parent.Resources?.[stackId];
    const properties = isRecord(stackResource) ? stackResource.Properties : undefined;
    const parameters = (isRecord(properties) ? properties.Parameters : undefined) ?? {};
    if (!isRecord(parameters)) throw new Error(`Parameters of ${stackId} are not a map`);
    const template = rewrite(Template.fromStack(nested).toJSON(), (node) =>
      isRecord(node) && typeof node.Ref === 'string' && node.Ref in parameters
        ? parameters[node.Ref]
        : undefined,
    ) as TemplateJson;
    for (const [id, resource] of Object.entries(template.Resources ?? {})) {
      if (id in resources) throw new Error(`${id} is in ${stackId} and its parent`);
      resources[id] = resource;
    }
    nestedOutputs.set(
      stackId,
      Object.fromEntries(
        Object.entries(template.Outputs ?? {}).map(([name, output]) => [name, output.Value]),
      ),
    );
  }
  const merged = rewrite({ ...parent, Resources: resources }, (node) => {
    const getAtt = isRecord(node) ? node['Fn::GetAtt'] : undefined;
    if (!Array.isArray(getAtt) || typeof getAtt[0] !== 'string') return undefined;
    const outputs = nestedOutputs.get(getAtt[0]);
    const attribute = String(getAtt[1]);
    if (!outputs || !attribute.startsWith('Outputs.')) return undefined;
    return outputs[attribute.slice('Outputs.'.length)];
  });
  return Template.fromJSON(merged as Record<string, unknown>);
}

/**
 * The nested stacks that only hold what would not fit in the stack's 500 resources, so the
 * tests read them as part of it. Not the EdgeWebAcl reader (a deploy-time lookup that
 * edges.test.ts checks on its own, and whose provider function shares the parent's id).
 */
export const SERVICE_DESK_NESTED_STACKS: readonly string[] = ['JobsStack'];

/**
 * The synthesized service desk as one template: the stack with its nested stacks (the
 * scheduled jobs) resolved into it, see {@link deploymentTemplate}.
 */
export function serviceDeskTemplate(): Template {
  return deploymentTemplate(serviceDesk().stack, SERVICE_DESK_NESTED_STACKS);
}
