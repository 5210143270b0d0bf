import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ServiceDeskEdgeStack } from './edge-protection';
import { ServiceDeskStack } from './service-desk-stack';

/** Options for {@link addServiceDesk}. */
export interface ServiceDeskAppOptions {
  /**
   * Check the app with cdk-nag's AwsSolutions rules at synth; a finding without a written
   * acknowledgment fails the synth.
   * @default true
   */
  readonly nag?: boolean;
}

/** The stack's id, and so its CloudFormation name. */
export const STACK_ID = 'ServiceDesk';

/** The id of the stack in us-east-1 with CloudFront's web ACL, deployed first. */
export const EDGE_STACK_ID = 'ServiceDeskEdge';

/** Adds the service desk stack to `app`, checked by cdk-nag; `bin/app.ts` and the tests share it. */
export function addServiceDesk(app: App, options: ServiceDeskAppOptions = {}): ServiceDeskStack {
  const edge = new ServiceDeskEdgeStack(app, EDGE_STACK_ID, {
    description: "Service desk: CloudFront's web ACL (per-client limits, AWS managed rules)",
  });
  const stack = new ServiceDeskStack(app, STACK_ID, {
    description:
      'Service desk: ticket queue, staff sign-in, HTTP API, mail out and in, billing ' +
      'exports, scheduled jobs, web pages',
  });
  // Deploy order only (`cdk deploy --all`): the stack reads the web ACL's ARN at deploy time.
  stack.addStackDependency(edge);
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
