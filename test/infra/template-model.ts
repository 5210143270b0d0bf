import type { Template } from 'aws-cdk-lib/assertions';

/** A CloudFormation resource as the tests read it. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** An IAM policy statement, as CDK renders it. */
export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
}

/** One API Gateway method, with the path and function it resolves to. */
export interface ApiMethod {
  logicalId: string;
  httpMethod: string;
  path: string;
  authorizationType: string;
  functionLogicalId: string | undefined;
  properties: Record<string, unknown>;
}

export function resourcesOfType(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The logical id a `{Ref}` points at. */
export function refOf(value: unknown): string | undefined {
  return isRecord(value) && typeof value.Ref === 'string' ? value.Ref : undefined;
}

/** Every logical id named by an `Fn::GetAtt` anywhere inside `value`. */
export function getAttTargets(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(getAttTargets);
  if (!isRecord(value)) return [];
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return [getAtt[0]];
  return Object.values(value).flatMap(getAttTargets);
}

/** Each API Gateway method with its full resource path and the function it integrates. */
export function apiMethods(template: Template): ApiMethod[] {
  const resources = resourcesOfType(template, 'AWS::ApiGateway::Resource');
  const pathOf = (resourceId: unknown): string => {
    const logicalId = refOf(resourceId);
    if (logicalId === undefined) return ''; // Fn::GetAtt [RestApi, RootResourceId]
    const resource = resources[logicalId];
    if (!resource?.Properties) throw new Error(`No API resource ${logicalId}`);
    return `${pathOf(resource.Properties.ParentId)}/${String(resource.Properties.PathPart)}`;
  };
  return Object.entries(resourcesOfType(template, 'AWS::ApiGateway::Method')).map(
    ([logicalId, method]) => {
      const properties = method.Properties ?? {};
      return {
        logicalId,
        httpMethod: String(properties.HttpMethod),
        path: pathOf(properties.ResourceId) || '/',
        authorizationType: String(properties.AuthorizationType),
        functionLogicalId: getAttTargets(properties.Integration)[0],
        properties,
      };
    },
  );
}

/** The statements of every policy attached to the role a function runs as. */
export function statementsOfFunction(template: Template, functionLogicalId: string): Statement[] {
  const fn = resourcesOfType(template, 'AWS::Lambda::Function')[functionLogicalId];
  if (!fn) throw new Error(`No function ${functionLogicalId}`);
  const roleLogicalId = getAttTargets(fn.Properties?.Role)[0];
  return Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
    .filter((policy) => {
      const roles = policy.Properties?.Roles;
      return Array.isArray(roles) && roles.some((role) => refOf(role) === roleLogicalId);
    })
    .flatMap((policy) => {
      const document = policy.Properties?.PolicyDocument as { Statement: Statement[] };
      return document.Statement;
    });
}

/** The actions of a statement, always as a list. */
export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** The function variables a function is configured with. */
export function environmentOf(
  template: Template,
  functionLogicalId: string,
): Record<string, unknown> {
  const fn = resourcesOfType(template, 'AWS::Lambda::Function')[functionLogicalId];
  const environment = fn?.Properties?.Environment as
    { Variables?: Record<string, unknown> } | undefined;
  return environment?.Variables ?? {};
}

/** The one resource of a type whose logical id starts with `prefix`; throws unless one. */
export function onlyResource(
  template: Template,
  type: string,
  prefix: string,
): [string, CfnResource] {
  const found = Object.entries(resourcesOfType(template, type)).filter(([id]) =>
    id.startsWith(prefix),
  );
  if (found.length !== 1) {
    throw new Error(`${found.length} resources of ${type} start with ${prefix}, not one`);
  }
  return found[0] as [string, CfnResource];
}

/**
 * The functions aws-cdk-lib brings along for its custom resources (AwsCustomResource's
 * singleton, BucketDeployment's handler): not ServiceDeskFunctions, deploy-time only.
 */
export const CDK_PROVIDER_FUNCTIONS = [
  /^AWS679f53fac002430cb0da5b7982bd2287/,
  /^CustomCDKBucketDeployment/,
];

/** The logical ids of the service desk's own functions (ServiceDeskFunction). */
export function serviceDeskFunctionIds(template: Template): string[] {
  return Object.keys(resourcesOfType(template, 'AWS::Lambda::Function')).filter(
    (id) => !CDK_PROVIDER_FUNCTIONS.some((pattern) => pattern.test(id)),
  );
}

/** Every statement of every identity policy in the template. */
export function allStatements(template: Template): Statement[] {
  return Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).flatMap(
    (policy) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement,
  );
}

/** The resources of a statement, always as a list. */
export function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}
