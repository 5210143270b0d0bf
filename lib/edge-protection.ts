import { Aws, NestedStack, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { routes, type Route } from '../functions/http/routes';

/** CloudFront's web ACLs live in us-east-1, whatever the region of the distribution. */
export const EDGE_REGION = 'us-east-1';

/** The SSM parameter (in {@link EDGE_REGION}) the edge stack writes its web ACL's ARN to. */
export const WEB_ACL_ARN_PARAMETER = '/servicedesk/edge/web-acl-arn';

/** The header CloudFront adds to every request it forwards to the API. */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/** The window the per-client limits count in (`clientLimit` of the route table). */
export const CLIENT_LIMIT_WINDOW_SECONDS = 300;

/**
 * Rules of the Core rule set that inspect request bodies and are set to count (logged, not
 * blocked): customers describe software problems, so a ticket may well hold markup, paths
 * or URLs (`<script>`, `../../etc`, `http://169.254.169.254`), and a file upload is far over
 * 8 KB. The handlers validate every body and never interpret it; a ticket refused at the
 * edge would be lost without a trace.
 */
export const COUNTED_BODY_RULES = [
  'SizeRestrictions_BODY',
  'CrossSiteScripting_BODY',
  'GenericLFI_BODY',
  'GenericRFI_BODY',
  'EC2MetaDataSSRF_BODY',
] as const;

/** The AWS managed rule groups of the web ACL, in order. */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

/** A regular expression matching exactly the paths of `route` (`{ticketId}`: one segment). */
export function pathPattern(route: Pick<Route, 'path'>): string {
  const parts = route.path
    .split('/')
    .map((part) =>
      /^\{\w+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    );
  return `^${parts.join('/')}$`;
}

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/** The web ACL's rules: a per-client rate limit per limited route, then the managed groups. */
export function edgeRules(routeTable: readonly Route[] = routes): wafv2.CfnWebACL.RuleProperty[] {
  const limited = routeTable.filter((route) => route.clientLimit !== undefined);
  const rateRules = limited.map((route, index): wafv2.CfnWebACL.RuleProperty => {
    const name = `ClientLimit-${route.method}-${route.handler}`;
    return {
      name,
      priority: index,
      action: {
        block: { customResponse: { responseCode: 429 } },
      },
      statement: {
        rateBasedStatement: {
          aggregateKeyType: 'IP',
          evaluationWindowSec: CLIENT_LIMIT_WINDOW_SECONDS,
          limit: route.clientLimit ?? 0,
          scopeDownStatement: {
            andStatement: {
              statements: [
                {
                  byteMatchStatement: {
                    fieldToMatch: { method: {} },
                    positionalConstraint: 'EXACTLY',
                    searchString: route.method,
                    textTransformations: [{ priority: 0, type: 'NONE' }],
                  },
                },
                {
                  regexMatchStatement: {
                    fieldToMatch: { uriPath: {} },
                    regexString: pathPattern(route),
                    textTransformations: [{ priority: 0, type: 'NONE' }],
                  },
                },
              ],
            },
          },
        },
      },
      visibilityConfig: visibility(name),
    };
  });
  const managed = MANAGED_RULE_GROUPS.map((group, index): wafv2.CfnWebACL.RuleProperty => ({
    name: group,
    priority: limited.length + index,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name: group,
        ...(group === 'AWSManagedRulesCommonRuleSet'
          ? {
              ruleActionOverrides: COUNTED_BODY_RULES.map((rule) => ({
                name: rule,
                actionToUse: { count: {} },
              })),
            }
          : {}),
      },
    },
    visibilityConfig: visibility(group),
  }));
  return [...rateRules, ...managed];
}

/**
 * The stack in us-east-1 that holds CloudFront's web ACL: per-client rate limits on the
 * public routes (form, confirm link, portal sign-in, voicemail hook) and AWS's managed rule
 * groups (IP reputation, core rules, known bad inputs). Its ARN goes to an SSM parameter, from
 * which the service desk stack reads it (a cross-region reference of CDK's own would need the
 * account and region at synth; the stacks stay environment-agnostic).
 */
export class ServiceDeskEdgeStack extends Stack {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { ...props, env: { ...props.env, region: EDGE_REGION } });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      description: 'Service desk at CloudFront: per-client limits of the public routes, AWS rules',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      rules: edgeRules(),
      visibilityConfig: visibility('ServiceDeskEdge'),
    });
    new ssm.StringParameter(this, 'WebAclArn', {
      parameterName: WEB_ACL_ARN_PARAMETER,
      description: "ARN of the service desk's CloudFront web ACL (read by the ServiceDesk stack)",
      stringValue: this.webAcl.attrArn,
    });
  }
}

/**
 * The ARN of the edge stack's web ACL in the service desk stack: `servicedesk:webAclArn` from
 * the context if given, else read at deploy time from the SSM parameter in us-east-1 by a
 * custom resource. It reads it again only when its own settings change: after replacing the
 * web ACL, deploy with `-c servicedesk:webAclArn=<new ARN>`. The custom resource sits in a
 * nested stack: AwsCustomResource runs one function per stack, whose role would otherwise
 * gather the permissions of every other custom resource of the stack.
 */
export function webAclArnOf(scope: Construct): string {
  const fromContext: unknown = scope.node.tryGetContext('servicedesk:webAclArn');
  if (typeof fromContext === 'string' && fromContext !== '') return fromContext;
  const reader = new NestedStack(scope, 'EdgeWebAcl', {
    description: "Reads the ARN of CloudFront's web ACL from SSM in us-east-1",
  });
  const role = new iam.Role(reader, 'ReadRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'Execution role of the function that reads the CloudFront web ACL ARN',
  });
  const logGroup = new logs.LogGroup(reader, 'ReadLogGroup', {
    retention: logs.RetentionDays.ONE_MONTH,
  });
  logGroup.grantWrite(role);
  const parameterArn = `arn:${Aws.PARTITION}:ssm:${EDGE_REGION}:${Aws.ACCOUNT_ID}:parameter${WEB_ACL_ARN_PARAMETER}`;
  const read: cr.AwsSdkCall = {
    service: 'SSM',
    action: 'getParameter',
    region: EDGE_REGION,
    parameters: { Name: WEB_ACL_ARN_PARAMETER },
    physicalResourceId: cr.PhysicalResourceId.of(WEB_ACL_ARN_PARAMETER),
  };
  const parameter = new cr.AwsCustomResource(reader, 'Read', {
    resourceType: 'Custom::EdgeWebAclArn',
    onCreate: read,
    onUpdate: read,
    policy: cr.AwsCustomResourcePolicy.fromStatements([
      new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameterArn] }),
    ]),
    installLatestAwsSdk: false,
    role,
    logGroup,
  });
  return parameter.getResponseField('Parameter.Value');
}

/**
 * The API answers only requests that came through CloudFront: CloudFront adds a header with
 * a generated secret to each request it forwards, and a regional web ACL on the API's stage
 * blocks every request without it (the execute-api URL is public otherwise). Resource
 * policies cannot check headers; a web ACL can.
 */
export class OriginVerification extends Construct {
  /** The value CloudFront sends in {@link ORIGIN_VERIFY_HEADER}. */
  readonly secret: secretsmanager.Secret;
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: { stage: apigateway.Stage }) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: `What CloudFront sends in ${ORIGIN_VERIFY_HEADER}, which the API's web ACL requires`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CloudFront and the API web ACL both read this value at deploy time (dynamic ' +
        'references), so a rotation must redeploy both; it is rotated by a new deployment ' +
        '(docs/security.md, "Edges"), not by a Secrets Manager schedule.',
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      description: 'Service desk API: only requests forwarded by CloudFront',
      scope: 'REGIONAL',
      defaultAction: { block: {} },
      rules: [
        {
          name: 'FromCloudFront',
          priority: 0,
          action: { allow: {} },
          statement: {
            byteMatchStatement: {
              fieldToMatch: { singleHeader: { Name: ORIGIN_VERIFY_HEADER } },
              positionalConstraint: 'EXACTLY',
              searchString: this.headerValue(),
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          },
          visibilityConfig: visibility('FromCloudFront'),
        },
      ],
      visibilityConfig: visibility('ServiceDeskApiOrigin'),
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }

  /** The secret's value as a dynamic reference: resolved by CloudFormation, not in the template. */
  headerValue(): string {
    return this.secret.secretValue.unsafeUnwrap();
  }
}
