import { NestedStack, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { serviceDesk } from './synth';

/** CloudFormation's quota of resources in one template (a nested stack's is its own). */
const MAX_RESOURCES_PER_TEMPLATE = 500;

const resourceCount = (stack: Stack): number =>
  Object.keys((Template.fromStack(stack).toJSON() as { Resources: object }).Resources).length;

describe('CloudFormation limits', () => {
  it('the service desk stack and each of its nested stacks hold fewer than 500 resources', () => {
    const { stack } = serviceDesk();
    const stacks = [
      stack,
      ...stack.node.findAll().filter((c): c is NestedStack => NestedStack.isNestedStack(c)),
    ];
    // The jobs (lib/service-desk-stack.ts) and the web ACL reader are nested.
    expect(stacks.length).toBeGreaterThanOrEqual(3);
    for (const s of stacks) {
      expect(resourceCount(s), s.node.path).toBeLessThan(MAX_RESOURCES_PER_TEMPLATE);
    }
  });
});
