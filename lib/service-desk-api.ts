import { Duration, Lazy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { WRITE_SCOPES } from '../functions/adapters/table-design';
import { routes, type Route } from '../functions/http/routes';
import { functionEntry, pascalCase } from './function-entry';
import { addProblemResponses } from './problem-responses';
import { EXPORT_PREFIXES, MAIL_PREFIXES } from './service-desk-data';
import {
  EXPORT_BUCKET_VARIABLE,
  MAIL_BUCKET_VARIABLE,
  ServiceDeskFunction,
  type BucketAccess,
} from './service-desk-function';
import type { StaffUserPool } from './staff-user-pool';
import type { IIndexedTable } from './ticket-table';

/** Requests per second and burst of a stage or method. */
export interface Throttle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** A secret the handler of one route reads (`functions/shared/secrets.ts`). */
export interface RouteSecret {
  /** The handler module of the route, e.g. `take-voicemail`. */
  readonly handler: string;
  /** The name the handler asks `secret()` for; the function gets `<variable>_ARN`. */
  readonly variable: string;
  readonly secret: secretsmanager.ISecret;
}

/**
 * What a route with `exportBucket` may do there: write an export too large for a response
 * under `requests/` and sign a download link for it (a presigned GetObject).
 */
export const EXPORT_ROUTE_ACCESS: BucketAccess = {
  read: [`${EXPORT_PREFIXES.requests}*`],
  write: [`${EXPORT_PREFIXES.requests}*`],
};

/**
 * What the erasure route may do in the export bucket (SPEC §13): delete the person's
 * stored access export (`requests/privacy/<erasureId>.json`), nothing else.
 */
export const EXPORT_ERASE_ACCESS: BucketAccess = {
  delete: [`${EXPORT_PREFIXES.requests}privacy/*`],
};

/**
 * What a route with `mailBucket` may do there, by its kind: `read` signs download links for
 * a ticket's files under `attachments/` (no `s3:PutObject`), `write` stores uploads there,
 * `erase` (SPEC §13) signs links for a person's files and deletes them and their raw mails.
 */
export const ATTACHMENT_ROUTE_ACCESS: Readonly<Record<'read' | 'write' | 'erase', BucketAccess>> = {
  read: { read: [`${MAIL_PREFIXES.attachments}*`] },
  write: { write: [`${MAIL_PREFIXES.attachments}*`] },
  erase: {
    read: [`${MAIL_PREFIXES.attachments}*`],
    delete: [`${MAIL_PREFIXES.attachments}*`, `${MAIL_PREFIXES.incoming}*`],
  },
};

/**
 * Timeout and memory of a route that streams exports: API Gateway waits 29 s at most, and
 * more memory is more CPU for the CSV writer.
 */
export const EXPORT_ROUTE_FUNCTION = { timeout: Duration.seconds(29), memorySize: 1024 } as const;

/** The stage the API is deployed to (its base path). */
export const API_STAGE_NAME = 'v1';

/** Options for {@link ServiceDeskApi}. */
export interface ServiceDeskApiProps {
  /** The table the handlers read and write, as each route's `table` access says. */
  readonly table: IIndexedTable;
  /** The outbox queue the handlers of `outbox` routes put mail events on. */
  readonly outbox: sqs.IQueue;
  /** The staff pool: its authorizer guards `staff` routes, its keys verify bearer tokens. */
  readonly staff: StaffUserPool;
  /** The bucket the handlers of `exportBucket` routes stream large exports into. */
  readonly exportBucket: s3.IBucket;
  /** The bucket whose `attachments/` the handlers of `mailBucket` routes store files in. */
  readonly mailBucket: s3.IBucket;
  /**
   * Secrets of single routes, each readable by that route's function only.
   * @default none
   */
  readonly routeSecrets?: readonly RouteSecret[];
  /**
   * Throttling of every method without a `throttle` of its own in the route table.
   * @default { rateLimit: 50, burstLimit: 100 }
   */
  readonly defaultThrottle?: Throttle;
  /**
   * The stage name, the first segment of every URL path.
   * @default 'v1'
   */
  readonly stageName?: string;
  /**
   * How long the API's access log keeps entries.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly accessLogRetention?: logs.RetentionDays;
  /**
   * How long the stage's execution log (errors of API Gateway itself) keeps entries.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly executionLogRetention?: logs.RetentionDays;
}

/** `{ticketId}` and friends: the path parameters of an API Gateway path. */
function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].flatMap((match) => (match[1] ? [match[1]] : []));
}

/** The key of a method in a stage's `methodOptions`: `/<path>/<METHOD>`. */
export function methodOptionsKey(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.path}/${route.method}`;
}

/**
 * The REST API (stage v1), built by looping over the route table: one function per route
 * (`functions/http/<handler>.ts`) with exactly the table access the route declares and,
 * for `outbox` routes, permission to send to the outbox, for `exportBucket` routes access to
 * `requests/` in the export bucket, and for a route with a secret, that secret; the
 * Cognito authorizer on `staff` routes; no authorizer on `public` routes nor on
 * `staff-or-ticket-token` routes, whose handlers check the ticket token or verify the
 * bearer token against the pool's keys themselves. Stage throttling by default, stricter
 * per route where the table says so; access and execution logs; X-Ray tracing.
 */
export class ServiceDeskApi extends Construct {
  readonly restApi: apigateway.RestApi;
  /** The function serving each route, by handler module name. */
  readonly functions: ReadonlyMap<string, ServiceDeskFunction>;
  /**
   * The stage's execution log group, which API Gateway would otherwise create itself, with
   * no retention (kept forever).
   */
  readonly executionLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ServiceDeskApiProps) {
    super(scope, id);
    const throttle = props.defaultThrottle ?? { rateLimit: 50, burstLimit: 100 };

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? logs.RetentionDays.THREE_MONTHS,
    });

    const methodOptions: Record<string, apigateway.MethodDeploymentOptions> = {};
    for (const route of routes) {
      if (route.throttle) {
        methodOptions[methodOptionsKey(route)] = {
          throttlingRateLimit: route.throttle.rateLimit,
          throttlingBurstLimit: route.throttle.burstLimit,
        };
      }
    }

    this.restApi = new apigateway.RestApi(this, 'RestApi', {
      description: 'Service desk HTTP API (v1)',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // Execution logging needs the account's API Gateway CloudWatch role; see below.
      cloudWatchRole: true,
      deployOptions: {
        stageName: props.stageName ?? API_STAGE_NAME,
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
        methodOptions,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        // Request and response bodies carry customer data: never into the logs.
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    // The stack's ApiUrl output names the same URL; one output is enough.
    this.restApi.node.tryRemoveChild('Endpoint');
    this.executionLogs = this.executionLogGroup(props);
    addProblemResponses(this.restApi);

    // Validates the required path parameters declared per method; bodies are validated by
    // the handlers' schemas, the one place that knows them.
    const requestValidator = this.restApi.addRequestValidator('RequestValidator', {
      validateRequestParameters: true,
      validateRequestBody: true,
    });

    let authorizer: apigateway.CognitoUserPoolsAuthorizer | undefined;
    const staffAuthorizer = () =>
      (authorizer ??= new apigateway.CognitoUserPoolsAuthorizer(this, 'StaffAuthorizer', {
        cognitoUserPools: [props.staff.userPool],
        identitySource: apigateway.IdentitySource.header('Authorization'),
      }));

    const routeSecrets = props.routeSecrets ?? [];
    for (const { handler } of routeSecrets) {
      if (!routes.some((route) => route.handler === handler)) {
        throw new Error(`A secret is bound to ${handler}, which serves no route.`);
      }
    }

    // Every handler behind a staff token checks its issuer and client itself (SPEC §14: the
    // Cognito authorizer checks neither `aud` nor `token_use`); those that verify tokens
    // themselves also get the pool's keys. The pages' client is added with the site, after
    // the API, so its id is read when the template is written.
    const clientId = Lazy.string({ produce: () => props.staff.client.userPoolClientId });
    const tokenSettings = (route: Route): Record<string, string> => ({
      JWT_ISSUER: props.staff.issuer,
      JWT_CLIENT_ID: clientId,
      ...(route.auth === 'staff-or-ticket-token' ? { JWKS_URL: props.staff.jwksUrl } : {}),
    });
    const functions = new Map<string, ServiceDeskFunction>();
    for (const route of routes) {
      const fn = new ServiceDeskFunction(this, `${pascalCase(route.handler)}Function`, {
        entry: functionEntry('http', route.handler),
        description: `${route.method} ${route.path}: ${route.summary}`.slice(0, 256),
        // Public and portal routes never take a staff token (portal sessions are opaque).
        ...(route.auth === 'public' || route.auth === 'portal'
          ? {}
          : { environment: tokenSettings(route) }),
        ...(route.exportBucket ? EXPORT_ROUTE_FUNCTION : {}),
      });
      if (route.table !== 'none') {
        fn.bindTable({
          table: props.table,
          access: route.table,
          ...(route.tableWrites
            ? { writes: route.tableWrites.map((scope) => WRITE_SCOPES[scope]) }
            : {}),
        });
      }
      if (route.outbox) fn.bindOutbox(props.outbox);
      if (route.exportBucket) {
        fn.bindBucket({
          bucket: props.exportBucket,
          variable: EXPORT_BUCKET_VARIABLE,
          ...(route.exportBucket === 'erase' ? EXPORT_ERASE_ACCESS : EXPORT_ROUTE_ACCESS),
        });
      }
      if (route.mailBucket) {
        fn.bindBucket({
          bucket: props.mailBucket,
          variable: MAIL_BUCKET_VARIABLE,
          ...ATTACHMENT_ROUTE_ACCESS[route.mailBucket],
        });
      }
      for (const { variable, secret } of routeSecrets.filter((s) => s.handler === route.handler)) {
        fn.bindSecret({ secret, variable });
      }
      functions.set(route.handler, fn);

      const method = this.restApi.root
        .resourceForPath(route.path)
        .addMethod(route.method, new apigateway.LambdaIntegration(fn, { allowTestInvoke: false }), {
          operationName: route.summary,
          requestValidator,
          requestParameters: Object.fromEntries(
            pathParameters(route.path).map((name) => [`method.request.path.${name}`, true]),
          ),
          ...(route.auth === 'staff'
            ? {
                authorizationType: apigateway.AuthorizationType.COGNITO,
                authorizer: staffAuthorizer(),
              }
            : {}),
        });
      if (route.auth !== 'staff') acknowledgeNoAuthorizer(method, route);
    }
    this.functions = functions;

    this.restApi
      .metricServerError({ period: Duration.minutes(5), statistic: 'Sum' })
      .createAlarm(this, 'ServerErrorsAlarm', {
        alarmDescription: 'The API answered 5xx at least 5 times in 5 minutes',
        threshold: 5,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });

    const cloudWatchRole = this.restApi.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          "API Gateway's account-wide logging role: the AWS-managed policy is the documented " +
          'one for it, and API Gateway creates execution log groups named by API id at run ' +
          'time, so an inline policy could not name them either.',
      });
    }
  }

  /**
   * Creates the execution log group before the stage, so that it has a retention: were the
   * stage first, API Gateway would create the group at the first logged error, kept forever,
   * and the stack could no longer create it (it exists).
   */
  private executionLogGroup(props: ServiceDeskApiProps): logs.LogGroup {
    const group = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: executionLogGroupName(
        this.restApi.restApiId,
        props.stageName ?? API_STAGE_NAME,
      ),
      retention: props.executionLogRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.restApi.deploymentStage.node.addDependency(group);
    return group;
  }
}

/**
 * The name API Gateway writes a stage's execution log to: `API-Gateway-Execution-Logs_` with
 * the API's id and the stage's name.
 */
export function executionLogGroupName(restApiId: string, stageName: string): string {
  return `API-Gateway-Execution-Logs_${restApiId}/${stageName}`;
}

/** Records why a route without the Cognito authorizer is meant to be so. */
function acknowledgeNoAuthorizer(method: apigateway.Method, route: Route): void {
  const reason =
    route.auth === 'public'
      ? `${route.method} ${route.path} is public by design (SPEC §6: anyone may call it); ` +
        'it is throttled and its handler validates every input.'
      : route.auth === 'portal'
        ? `${route.method} ${route.path} is called by customers signed in to the portal with ` +
          'an opaque session token (SPEC §11), which a Cognito authorizer cannot check; the ' +
          'handler looks up the hash of the token among the stored sessions and answers 401 ' +
          'for anything else, staff tokens included.'
        : `${route.method} ${route.path} is called by customers holding only their ticket's ` +
          'X-Ticket-Token, so API Gateway cannot require a Cognito token; the handler checks ' +
          "the ticket token, or verifies a staff bearer token against the user pool's JWKS.";
  Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason });
  Validations.of(method).acknowledge({ id: 'AwsSolutions-COG4', reason });
}
