import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/http/routes';
import { SCHEDULED_JOBS } from '../../lib/scheduled-jobs';
import { TABLE_ACTIONS } from '../../lib/service-desk-function';
import { serviceDeskTemplate } from './synth';
import {
  actionsOf,
  apiMethods,
  environmentOf,
  resourcesOfType,
  statementsOfFunction,
  type ApiMethod,
} from './template-model';

/** The logical id of the outbox queue (not its dead-letter queue). */
const outboxQueue = /^DataOutboxQueue[0-9A-F]{8}$/;

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

describe('the functions', () => {
  let template: Template;
  let methods: ApiMethod[];
  beforeAll(() => {
    template = serviceDeskTemplate();
    methods = apiMethods(template);
  });

  /** The function serving a route, found through its API method's integration. */
  const functionOf = (route: (typeof routes)[number]): string => {
    const method = methods.find((m) => m.httpMethod === route.method && m.path === route.path);
    if (!method?.functionLogicalId)
      throw new Error(`No function for ${route.method} ${route.path}`);
    return method.functionLogicalId;
  };

  it('all run Node.js 22 on arm64, traced, logging to a group with retention', () => {
    const functions = Object.values(resourcesOfType(template, 'AWS::Lambda::Function'));
    // One per route, one per scheduled job, and the mailer.
    expect(functions).toHaveLength(routes.length + SCHEDULED_JOBS.length + 1);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
    }
    const logGroups = resourcesOfType(template, 'AWS::Logs::LogGroup');
    for (const fn of functions) {
      const logGroup = (fn.Properties?.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(logGroups[logGroup]?.Properties?.RetentionInDays).toBe(30);
    }
  });

  it('each have an alarm on errors', () => {
    const alarms = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).filter(
      (alarm) => alarm.Properties?.MetricName === 'Errors',
    );
    const alarmed = alarms.map((alarm) => {
      const dimensions = alarm.Properties?.Dimensions as { Name: string; Value: { Ref: string } }[];
      return dimensions.find((d) => d.Name === 'FunctionName')?.Value.Ref;
    });
    expect(alarmed.sort()).toEqual(
      Object.keys(resourcesOfType(template, 'AWS::Lambda::Function')).sort(),
    );
  });

  it.each(routes)('$method $path: TABLE_NAME exactly when the route uses the table', (route) => {
    const environment = environmentOf(template, functionOf(route));
    if (route.table === 'none') expect(environment).not.toHaveProperty('TABLE_NAME');
    else expect(environment.TABLE_NAME).toEqual({ Ref: 'DataTableFDBAD0F2' });
  });

  it.each(routes)(
    '$method $path: OUTBOX_QUEUE_URL and sqs:SendMessage exactly when the route uses the outbox',
    (route) => {
      const environment = environmentOf(template, functionOf(route));
      const sqsStatements = statementsOfFunction(template, functionOf(route)).filter((s) =>
        actionsOf(s).some((action) => action.startsWith('sqs:')),
      );
      if (route.outbox) {
        expect(environment.OUTBOX_QUEUE_URL).toEqual({ Ref: expect.stringMatching(outboxQueue) });
        expect(sqsStatements).toEqual([
          expect.objectContaining({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Resource: { 'Fn::GetAtt': [expect.stringMatching(outboxQueue), 'Arn'] },
          }),
        ]);
      } else {
        expect(environment).not.toHaveProperty('OUTBOX_QUEUE_URL');
        expect(sqsStatements).toEqual([]);
      }
    },
  );

  it('include POST /tickets among the outbox routes: every new ticket is acknowledged', () => {
    expect(routes.find((r) => r.method === 'POST' && r.path === '/tickets')?.outbox).toBe(true);
  });

  it.each(routes)(
    '$method $path: the bearer-token settings exactly when it verifies tokens itself',
    (route) => {
      const environment = environmentOf(template, functionOf(route));
      if (route.auth === 'staff-or-ticket-token') {
        expect(environment.JWT_ISSUER).toEqual({
          'Fn::Join': [
            '',
            [
              'https://cognito-idp.',
              { Ref: 'AWS::Region' },
              '.',
              { Ref: 'AWS::URLSuffix' },
              '/',
              { Ref: expect.stringMatching(/^StaffUserPool/) },
            ],
          ],
        });
        expect(JSON.stringify(environment.JWKS_URL)).toContain('/.well-known/jwks.json');
      } else {
        expect(environment).not.toHaveProperty('JWKS_URL');
        expect(environment).not.toHaveProperty('JWT_ISSUER');
      }
    },
  );

  it.each(routes)(
    '$method $path: may do to the table what the route table says, no more',
    (route) => {
      const dynamodbActions = statementsOfFunction(template, functionOf(route))
        .flatMap(actionsOf)
        .filter((action) => action.startsWith('dynamodb:'));
      if (route.table === 'none') {
        expect(dynamodbActions).toEqual([]);
      } else {
        expect(dynamodbActions.sort()).toEqual([...TABLE_ACTIONS[route.table]].sort());
      }
      if (route.table === 'read') {
        for (const write of WRITE_ACTIONS) expect(dynamodbActions).not.toContain(write);
      }
      expect(dynamodbActions).not.toContain('dynamodb:Scan');
    },
  );

  it('grant the table and its named indexes, never index/*', () => {
    for (const route of routes.filter((r) => r.table !== 'none')) {
      const resources = JSON.stringify(
        statementsOfFunction(template, functionOf(route))
          .filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))
          .map((s) => s.Resource),
      );
      expect(resources).toContain('/index/queue');
      expect(resources).toContain('/index/customerQueue');
      expect(resources).not.toContain('/index/*');
    }
  });

  it('use Resource "*" only for the X-Ray trace writes, which allow no narrower resource', () => {
    const statements = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).flatMap(
      (policy) =>
        (
          policy.Properties?.PolicyDocument as {
            Statement: { Action: string | string[]; Resource: unknown }[];
          }
        ).Statement,
    );
    const wildcard = statements.filter((s) =>
      (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).includes('*'),
    );
    expect(wildcard.length).toBeGreaterThan(0);
    for (const statement of wildcard) {
      expect([statement.Action].flat().sort()).toEqual([
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    }
  });

  it("roles carry no AWS-managed policies, except API Gateway's account logging role", () => {
    const roles = resourcesOfType(template, 'AWS::IAM::Role');
    const withManaged = Object.entries(roles)
      .filter(([, role]) => role.Properties?.ManagedPolicyArns !== undefined)
      .map(([logicalId]) => logicalId);
    expect(withManaged).toEqual([expect.stringMatching(/^ApiRestApiCloudWatchRole/)]);
  });
});
