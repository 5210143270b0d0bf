import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/http/routes';
import { serviceDeskTemplate } from './synth';
import { apiMethods, resourcesOfType, type ApiMethod } from './template-model';

interface MethodSetting {
  HttpMethod: string;
  ResourcePath: string;
  ThrottlingRateLimit?: number;
  ThrottlingBurstLimit?: number;
  LoggingLevel?: string;
}

/** How a stage's MethodSettings name a path: `/tickets/{ticketId}` → `/~1tickets~1{ticketId}`. */
const settingsPath = (path: string) => `/${path.replaceAll('/', '~1')}`;

describe('the REST API', () => {
  let template: Template;
  let methods: ApiMethod[];
  let methodSettings: MethodSetting[];
  beforeAll(() => {
    template = serviceDeskTemplate();
    methods = apiMethods(template);
    const [stage] = Object.values(resourcesOfType(template, 'AWS::ApiGateway::Stage'));
    methodSettings = (stage?.Properties?.MethodSettings ?? []) as MethodSetting[];
  });

  it('serves exactly the routes of the route table, each by one method', () => {
    const served = methods.map((m) => `${m.httpMethod} ${m.path}`).sort();
    const listed = routes.map((r) => `${r.method} ${r.path}`).sort();
    expect(served).toEqual(listed);
  });

  it.each(routes)('$method $path: Cognito authorizer exactly when staff-only', (route) => {
    const method = methods.find((m) => m.httpMethod === route.method && m.path === route.path);
    expect(method?.authorizationType).toBe(route.auth === 'staff' ? 'COGNITO_USER_POOLS' : 'NONE');
    if (route.auth === 'staff') {
      expect(method?.properties.AuthorizerId).toEqual({ Ref: expect.any(String) });
    }
  });

  it('gives every route a function of its own', () => {
    const functionIds = methods.map((m) => m.functionLogicalId);
    expect(functionIds.every((id) => id !== undefined)).toBe(true);
    expect(new Set(functionIds).size).toBe(routes.length);
  });

  it('authorizes staff with the user pool, from the Authorization header', () => {
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^StaffUserPool'), 'Arn'] }],
    });
  });

  it('throttles the stage by default', () => {
    const stageDefault = methodSettings.find(
      (s) => s.HttpMethod === '*' && s.ResourcePath === '/*',
    );
    expect(stageDefault).toMatchObject({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
  });

  it.each(routes.filter((r) => r.throttle))(
    '$method $path: has its own throttle from the route table',
    (route) => {
      expect(methodSettings).toContainEqual(
        expect.objectContaining({
          HttpMethod: route.method,
          ResourcePath: settingsPath(route.path),
          ThrottlingRateLimit: route.throttle?.rateLimit,
          ThrottlingBurstLimit: route.throttle?.burstLimit,
        }),
      );
    },
  );

  it('throttles the public POST /tickets more strictly than the stage default', () => {
    const stageDefault = methodSettings.find(
      (s) => s.HttpMethod === '*' && s.ResourcePath === '/*',
    );
    const submit = methodSettings.find(
      (s) => s.HttpMethod === 'POST' && s.ResourcePath === settingsPath('/tickets'),
    );
    expect(submit?.ThrottlingRateLimit).toBeLessThan(stageDefault?.ThrottlingRateLimit ?? 0);
    expect(submit?.ThrottlingBurstLimit).toBeLessThan(stageDefault?.ThrottlingBurstLimit ?? 0);
  });

  it('logs access as JSON and errors of execution, without request bodies', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
        }),
      ]),
    });
  });

  it('validates the requests of every method, path parameters required', () => {
    template.resourceCountIs('AWS::ApiGateway::RequestValidator', 1);
    for (const method of methods) {
      expect(method.properties.RequestValidatorId).toEqual({ Ref: expect.any(String) });
      const parameters = [...method.path.matchAll(/\{(\w+)\}/g)].map(
        (match) => `method.request.path.${match[1]}`,
      );
      for (const parameter of parameters) {
        expect(method.properties.RequestParameters).toMatchObject({ [parameter]: true });
      }
    }
  });

  it("answers API Gateway's own 401, 403 and 429 as problem details", () => {
    for (const status of ['401', '403', '429']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        StatusCode: status,
        ResponseParameters: {
          'gatewayresponse.header.Content-Type': "'application/problem+json'",
        },
      });
    }
  });

  it('outputs the URLs, the staff sign-in, the stores and what operators configure', () => {
    expect(Object.keys(template.toJSON().Outputs as object).sort()).toEqual([
      'AlarmTopicArn',
      'ApiUrl',
      'DashboardName',
      'ExportBucketName',
      'IntakeDeadLetterQueueUrl',
      'MailBucketName',
      'OutboxDeadLetterQueueUrl',
      'OutboxQueueUrl',
      'ReceiptRuleSetName',
      'SiteUrl',
      'StaffSignInUrl',
      'TableName',
      'UserPoolClientId',
      'UserPoolId',
      'VoicemailSecretArn',
    ]);
  });
});
