import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { WRITE_SCOPES } from '../../functions/adapters/table-design';
import { routes } from '../../functions/http/routes';
import { ACTIVATE_RULE_SET_ACTIONS } from '../../lib/mail-intake';
import { SCHEDULED_JOBS } from '../../lib/scheduled-jobs';
import {
  ATTACHMENT_ROUTE_ACCESS,
  EXPORT_ERASE_ACCESS,
  EXPORT_ROUTE_ACCESS,
} from '../../lib/service-desk-api';
import type { BucketAccess } from '../../lib/service-desk-function';
import {
  BUCKET_ACTIONS,
  SCOPED_WRITE_ACTIONS,
  SECRET_ACTIONS,
  TABLE_ACTIONS,
} from '../../lib/service-desk-function';
import {
  ACCESS_TOKEN_SECRET_VARIABLE,
  TICKET_MAKING_HANDLERS,
  VOICEMAIL_SECRET_VARIABLE,
} from '../../lib/service-desk-stack';
import { serviceDeskTemplate } from './synth';
import {
  CDK_PROVIDER_FUNCTIONS,
  actionsOf,
  allStatements,
  apiMethods,
  environmentOf,
  getAttTargets,
  onlyResource,
  resourcesOf,
  resourcesOfType,
  serviceDeskFunctionIds,
  statementsOfFunction,
  type ApiMethod,
} from './template-model';

/** The logical id of the outbox queue (not its dead-letter queue). */
const outboxQueue = /^DataOutboxQueue[0-9A-F]{8}$/;
const mailBucket = /^DataMailBucket[0-9A-F]{8}$/;
const voicemailSecret = /^DataVoicemailSecret[0-9A-F]{8}$/;
const accessTokenSecret = /^DataAccessTokenSecret[0-9A-F]{8}$/;

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
    const all = resourcesOfType(template, 'AWS::Lambda::Function');
    const functions = serviceDeskFunctionIds(template).map((id) => all[id]);
    // One per route, one per scheduled job, the mailer, the intake and the mail feedback.
    expect(functions).toHaveLength(routes.length + SCHEDULED_JOBS.length + 3);
    for (const fn of functions) {
      expect(fn?.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
    }
    const logGroups = resourcesOfType(template, 'AWS::Logs::LogGroup');
    for (const fn of functions) {
      const logGroup = (fn?.Properties?.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup
        .Ref;
      expect(logGroups[logGroup]?.Properties?.RetentionInDays).toBe(30);
    }
  });

  it("besides them, only aws-cdk-lib's deploy-time functions, each logging to a group of its own", () => {
    const providers = Object.entries(resourcesOfType(template, 'AWS::Lambda::Function')).filter(
      ([id]) => CDK_PROVIDER_FUNCTIONS.some((pattern) => pattern.test(id)),
    );
    expect(providers).toHaveLength(CDK_PROVIDER_FUNCTIONS.length);
    const logGroups = resourcesOfType(template, 'AWS::Logs::LogGroup');
    for (const [, fn] of providers) {
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
    expect(alarmed.sort()).toEqual(serviceDeskFunctionIds(template).sort());
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

  it.each(routes)(
    '$method $path: S3 access and bucket variables exactly as exportBucket and mailBucket say',
    (route) => {
      const environment = environmentOf(template, functionOf(route));
      const s3Statements = statementsOfFunction(template, functionOf(route)).filter((s) =>
        actionsOf(s).some((action) => action.startsWith('s3:')),
      );
      const granted = s3Statements.flatMap((statement) =>
        actionsOf(statement).flatMap((action) =>
          resourcesOf(statement).map((resource) => `${action} ${JSON.stringify(resource)}`),
        ),
      );
      const expectedFor = (bucketLogicalId: string, access: BucketAccess) => {
        const objects = (pattern: string) =>
          JSON.stringify({
            'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketLogicalId, 'Arn'] }, `/${pattern}`]],
          });
        return (['read', 'write', 'delete'] as const).flatMap((kind) =>
          (access[kind] ?? []).flatMap((pattern) =>
            BUCKET_ACTIONS[kind].map((action) => `${action} ${objects(pattern)}`),
          ),
        );
      };
      const [exportBucket] = onlyResource(template, 'AWS::S3::Bucket', 'DataExportBucket');
      const [mail] = onlyResource(template, 'AWS::S3::Bucket', 'DataMailBucket');
      const expected = [
        ...(route.exportBucket
          ? expectedFor(
              exportBucket,
              route.exportBucket === 'erase' ? EXPORT_ERASE_ACCESS : EXPORT_ROUTE_ACCESS,
            )
          : []),
        ...(route.mailBucket ? expectedFor(mail, ATTACHMENT_ROUTE_ACCESS[route.mailBucket]) : []),
      ];
      expect(granted.sort()).toEqual(expected.sort());
      if (route.exportBucket) expect(environment.EXPORT_BUCKET).toEqual({ Ref: exportBucket });
      else expect(environment).not.toHaveProperty('EXPORT_BUCKET');
      if (route.mailBucket) expect(environment.MAIL_BUCKET).toEqual({ Ref: mail });
      else expect(environment).not.toHaveProperty('MAIL_BUCKET');
    },
  );

  it('give only mailBucket routes access to the mail bucket, and only to attachments/ (the erasure also deletes raw mail under incoming/)', () => {
    for (const route of routes.filter((r) => !r.mailBucket)) {
      const named = getAttTargets(statementsOfFunction(template, functionOf(route)));
      expect(named.filter((id) => mailBucket.test(id))).toEqual([]);
    }
    expect(ATTACHMENT_ROUTE_ACCESS).toEqual({
      read: { read: ['attachments/*'] },
      write: { write: ['attachments/*'] },
      erase: { read: ['attachments/*'], delete: ['attachments/*', 'incoming/*'] },
    });
    // Only the erasure may delete.
    expect(routes.filter((r) => r.mailBucket === 'erase').map((r) => r.handler)).toEqual([
      'privacy-erasure',
    ]);
  });

  it('give the download route no s3:PutObject, the upload route no s3:GetObject (SPEC §14)', () => {
    const s3ActionsOf = (handler: string) => {
      const route = routes.find((r) => r.handler === handler);
      if (!route) throw new Error(`no route ${handler}`);
      return statementsOfFunction(template, functionOf(route))
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('s3:'));
    };
    expect(s3ActionsOf('get-attachment')).toEqual(['s3:GetObject']);
    expect(s3ActionsOf('upload-attachment').sort()).toEqual(
      ['s3:AbortMultipartUpload', 's3:PutObject'].sort(),
    );
  });

  it.each(routes)(
    '$method $path: reads the access-token secret exactly when it makes tickets',
    (route) => {
      const environment = environmentOf(template, functionOf(route));
      const statements = statementsOfFunction(template, functionOf(route)).filter((s) =>
        JSON.stringify(s.Resource).includes('DataAccessTokenSecret'),
      );
      if ((TICKET_MAKING_HANDLERS as readonly string[]).includes(route.handler)) {
        expect(environment[`${ACCESS_TOKEN_SECRET_VARIABLE}_ARN`]).toEqual({
          Ref: expect.stringMatching(accessTokenSecret),
        });
        expect(statements).toEqual([
          expect.objectContaining({ Effect: 'Allow', Action: SECRET_ACTIONS[0] }),
        ]);
      } else {
        expect(environment).not.toHaveProperty(`${ACCESS_TOKEN_SECRET_VARIABLE}_ARN`);
        expect(statements).toEqual([]);
      }
    },
  );

  it.each(routes)(
    '$method $path: reads the voicemail secret exactly when it is take-voicemail',
    (route) => {
      const environment = environmentOf(template, functionOf(route));
      const statements = statementsOfFunction(template, functionOf(route));
      const secretStatements = statements.filter((s) =>
        JSON.stringify(s.Resource).includes('DataVoicemailSecret'),
      );
      if (route.handler === 'take-voicemail') {
        expect(environment[`${VOICEMAIL_SECRET_VARIABLE}_ARN`]).toEqual({
          Ref: expect.stringMatching(voicemailSecret),
        });
        expect(environment).not.toHaveProperty(VOICEMAIL_SECRET_VARIABLE);
        expect(secretStatements).toEqual([
          expect.objectContaining({ Effect: 'Allow', Action: SECRET_ACTIONS[0] }),
        ]);
        // Its secrets are the voicemail secret and the access-token secret, nothing else.
        const secretResources = statements
          .filter((s) => actionsOf(s).some((action) => action.startsWith('secretsmanager:')))
          .flatMap(resourcesOf)
          .map((r) => JSON.stringify(r));
        expect(secretResources.sort()).toEqual([
          expect.stringMatching(/DataAccessTokenSecret/),
          expect.stringMatching(/DataVoicemailSecret/),
        ]);
      } else {
        expect(environment).not.toHaveProperty(`${VOICEMAIL_SECRET_VARIABLE}_ARN`);
        expect(secretStatements).toEqual([]);
      }
    },
  );

  it('let the export route run as long as API Gateway waits, with memory for the CSV writer', () => {
    const all = resourcesOfType(template, 'AWS::Lambda::Function');
    for (const route of routes) {
      const properties = all[functionOf(route)]?.Properties;
      if (route.exportBucket) expect(properties).toMatchObject({ Timeout: 29, MemorySize: 1024 });
      else expect(properties).toMatchObject({ Timeout: 10, MemorySize: 512 });
    }
  });

  it('include POST /tickets among the outbox routes: every new ticket is acknowledged', () => {
    expect(routes.find((r) => r.method === 'POST' && r.path === '/tickets')?.outbox).toBe(true);
  });

  it.each(routes)(
    '$method $path: the token issuer and client whenever it takes staff tokens, the keys when it verifies them itself',
    (route) => {
      const environment = environmentOf(template, functionOf(route));
      if (route.auth === 'staff' || route.auth === 'staff-or-ticket-token') {
        expect(environment.JWT_CLIENT_ID).toEqual({
          Ref: expect.stringMatching(/^StaffUserPoolConsoleClient/),
        });
      } else {
        expect(environment).not.toHaveProperty('JWT_CLIENT_ID');
      }
      if (route.auth === 'staff') {
        expect(environment).not.toHaveProperty('JWKS_URL');
        expect(JSON.stringify(environment.JWT_ISSUER)).toContain('https://cognito-idp.');
      } else if (route.auth === 'staff-or-ticket-token') {
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
      } else if (route.tableWrites) {
        expect(dynamodbActions.sort()).toEqual(
          [...TABLE_ACTIONS.read, ...SCOPED_WRITE_ACTIONS].sort(),
        );
      } else {
        expect(dynamodbActions.sort()).toEqual([...TABLE_ACTIONS[route.table]].sort());
      }
      if (route.table === 'read') {
        for (const write of WRITE_ACTIONS) expect(dynamodbActions).not.toContain(write);
      }
      expect(dynamodbActions).not.toContain('dynamodb:Scan');
    },
  );

  it.each(routes.filter((r) => r.tableWrites))(
    '$method $path: writes only under the keys it names (dynamodb:LeadingKeys), never deletes',
    (route) => {
      const writes = statementsOfFunction(template, functionOf(route)).filter((s) =>
        actionsOf(s).some((a) => SCOPED_WRITE_ACTIONS.includes(a)),
      );
      expect(writes).toEqual([
        {
          Effect: 'Allow',
          Action: [...SCOPED_WRITE_ACTIONS],
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^DataTable/), 'Arn'] },
          Condition: {
            'ForAllValues:StringLike': {
              'dynamodb:LeadingKeys': (route.tableWrites ?? []).map((s) => WRITE_SCOPES[s]),
            },
          },
        },
      ]);
    },
  );

  it('limit the public submit to tickets, the counter and public idempotency keys', () => {
    expect(routes.find((r) => r.handler === 'submit-ticket')?.tableWrites).toEqual([
      'tickets',
      'ticketNumbers',
      'publicIdempotency',
    ]);
    expect(WRITE_SCOPES.publicIdempotency).toBe('IDEMPOTENCY#public.*');
  });

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

  it('use Resource "*" only for actions that allow no narrower resource', () => {
    const wildcard = allStatements(template).filter((s) => resourcesOf(s).includes('*'));
    expect(wildcard.length).toBeGreaterThan(0);
    for (const statement of wildcard) {
      expect([
        ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
        [...ACTIVATE_RULE_SET_ACTIONS],
      ]).toContainEqual(actionsOf(statement).sort());
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
