import { join } from 'node:path';
import {
  AssetHashType,
  BOOTSTRAP_QUALIFIER_CONTEXT,
  DefaultStackSynthesizer,
  DockerImage,
  Duration,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { routes, type Route } from '../functions/http/routes';
import { securityHeaders } from '../web/build';
import type { CognitoAuthConfig } from '../web/src/lib/site-config';
import { PROJECT_ROOT } from './function-entry';
import { PrivateBucket } from './private-bucket';
import { API_STAGE_NAME } from './service-desk-api';
import { writeSiteSync } from './site-build';
import type { SiteSettings } from './site-settings';
import type { StaffUserPool } from './staff-user-pool';

/** The staff pages: where the hosted UI sends staff back to after sign-in and sign-out. */
export const STAFF_PAGES = [
  '/console.html',
  '/finance.html',
  '/admin.html',
  '/sales.html',
] as const;

/**
 * The CloudFront path patterns that go to the API, derived from the route table: for each
 * first path segment, the segment itself when a route is exactly that (`/tickets`), and
 * everything below it when a route is deeper (`/tickets/*`). Every other path is a page or
 * an asset from the site bucket.
 */
export function apiPathPatterns(routeTable: readonly Pick<Route, 'path'>[] = routes): string[] {
  const patterns = new Set<string>();
  for (const { path } of routeTable) {
    const [first] = path.split('/').filter(Boolean);
    if (first === undefined) throw new Error('The API root "/" cannot share the site origin.');
    patterns.add(path === `/${first}` ? path : `/${first}/*`);
  }
  return [...patterns].sort();
}

/**
 * The viewer-request function of the pages: `/en/` is `/en/index.html` (CloudFront's
 * default root object covers `/` only) and `/en` is redirected to `/en/`, as the local page
 * server does. JavaScript for CloudFront Functions (runtime 2.0).
 */
export const DIRECTORY_INDEX_FUNCTION = `
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
    return request;
  }
  var name = uri.substring(uri.lastIndexOf('/') + 1);
  if (name.indexOf('.') !== -1) return request;
  var query = Object.keys(request.querystring)
    .map(function (key) {
      var value = request.querystring[key];
      var values = value.multiValue ? value.multiValue : [value];
      return values.map(function (v) { return key + '=' + v.value; }).join('&');
    })
    .join('&');
  return {
    statusCode: 301,
    statusDescription: 'Moved Permanently',
    headers: { location: { value: uri + '/' + (query ? '?' + query : '') } },
  };
}
`.trim();

/** How long browsers remember to use HTTPS only (two years, hstspreload.org's advice). */
const HSTS_MAX_AGE = Duration.days(730);

/** A domain the pages never talk to, standing in for the hosted UI's until it is known. */
const COGNITO_PLACEHOLDER = 'https://cognito.invalid';

/**
 * CloudFront's response headers policy for the same headers the local page server sends
 * (`securityHeaders()` of `web/build.ts`, the one source of both) to pages that sign in at
 * `cognitoDomain`, plus HSTS, which only makes sense over HTTPS. `connectSources` are added
 * to the CSP's `connect-src`. A header CloudFront sets through its own settings must be
 * among them; others become custom headers.
 */
export function responseHeadersBehavior(
  cognitoDomain: string,
  connectSources: readonly string[] = [],
): cloudfront.ResponseHeadersPolicyProps {
  // The hosted UI's address is a deploy-time token, which securityHeaders() cannot parse.
  const placeholderConfig: CognitoAuthConfig = {
    auth: 'cognito',
    cognito: { domain: COGNITO_PLACEHOLDER, clientId: 'placeholder' },
  };
  const headers = new Map(
    Object.entries(securityHeaders(placeholderConfig)).map(([name, value]) => [
      name.toLowerCase(),
      value,
    ]),
  );
  const take = (name: string): string => {
    const value = headers.get(name);
    if (value === undefined) throw new Error(`web/build.ts no longer sends ${name}.`);
    headers.delete(name);
    return value;
  };
  const csp = take('content-security-policy').replaceAll(COGNITO_PLACEHOLDER, cognitoDomain);
  if (take('x-content-type-options') !== 'nosniff') {
    throw new Error('CloudFront sends X-Content-Type-Options as "nosniff" only.');
  }
  const securityHeadersBehavior: cloudfront.ResponseSecurityHeadersBehavior = {
    contentSecurityPolicy: {
      contentSecurityPolicy: withConnectSources(csp, connectSources),
      override: true,
    },
    contentTypeOptions: { override: true },
    frameOptions: { frameOption: frameOption(take('x-frame-options')), override: true },
    referrerPolicy: { referrerPolicy: referrerPolicy(take('referrer-policy')), override: true },
    strictTransportSecurity: {
      accessControlMaxAge: HSTS_MAX_AGE,
      includeSubdomains: false,
      override: true,
    },
  };
  for (const name of ['strict-transport-security', 'x-xss-protection']) {
    if (headers.has(name)) throw new Error(`${name} is one of CloudFront's own settings.`);
  }
  const customHeaders = [...headers].map(([header, value]) => ({ header, value, override: true }));
  return {
    comment: 'Security headers of the service desk pages and API (as web/build.ts sets them)',
    securityHeadersBehavior,
    ...(customHeaders.length ? { customHeadersBehavior: { customHeaders } } : {}),
  };
}

/** The CSP with `sources` added to its `connect-src` (created when it has none). */
export function withConnectSources(csp: string, sources: readonly string[]): string {
  if (sources.length === 0) return csp;
  const directives = csp.split(';').map((directive) => directive.trim());
  const index = directives.findIndex((d) => d.split(/\s+/)[0] === 'connect-src');
  if (index === -1) return [...directives, `connect-src 'self' ${sources.join(' ')}`].join('; ');
  directives[index] = `${directives[index] as string} ${sources.join(' ')}`;
  return directives.join('; ');
}

function frameOption(value: string): cloudfront.HeadersFrameOption {
  const option = value.toUpperCase();
  if (option === 'DENY') return cloudfront.HeadersFrameOption.DENY;
  if (option === 'SAMEORIGIN') return cloudfront.HeadersFrameOption.SAMEORIGIN;
  throw new Error(`X-Frame-Options "${value}" is not one CloudFront can send.`);
}

function referrerPolicy(value: string): cloudfront.HeadersReferrerPolicy {
  const policy = Object.values(cloudfront.HeadersReferrerPolicy).find((p) => p === value);
  if (policy === undefined)
    throw new Error(`Referrer-Policy "${value}" is not one CloudFront knows.`);
  return policy;
}

/** Options for {@link ServiceDeskSite}. */
export interface ServiceDeskSiteProps {
  /** The API, served on the same origin under {@link apiPathPatterns}. */
  readonly api: apigateway.RestApi;
  /** The API's stage (its base path). @default API_STAGE_NAME */
  readonly apiStageName?: string;
  /** The staff pool: its hosted UI signs staff in; the pages' client is added here. */
  readonly staff: StaffUserPool;
  /** Where the bucket's and the distribution's access logs go. */
  readonly accessLogs: s3.IBucket;
  /**
   * The bucket of large billing exports: the finance page fetches them from their presigned
   * links, so its endpoints join the CSP's `connect-src`.
   */
  readonly exportBucket: s3.IBucket;
  /** The https URL the pages are announced at (links in mail). */
  readonly publicUrl: string;
  /**
   * Headers CloudFront adds to every request it forwards to the API (the origin secret).
   * @default none
   */
  readonly apiOriginHeaders?: Record<string, string>;
  /**
   * The ARN of the web ACL (in us-east-1) in front of the distribution.
   * @default none
   */
  readonly webAclArn?: string;
  /**
   * A certificate for the public URL's host (`certificateArn`).
   * @default the distribution's own address only
   */
  readonly settings?: SiteSettings;
}

/**
 * The web pages (`web/`), built at synth by `web/build.ts` with the local esbuild (no
 * Docker), in a private bucket behind CloudFront (origin access control), with the API on
 * the same origin: the route table's paths go to API Gateway uncached, with every viewer
 * header but Host. Every response carries the security headers of the local page server
 * plus HSTS. `/config.json` names the Cognito hosted UI and the pages' app client.
 */
export class ServiceDeskSite extends Construct {
  readonly bucket: PrivateBucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<distribution domain>`: the pages and, under the API paths, the API. */
  readonly url: string;
  /** What `/config.json` says: how staff sign in. */
  readonly config: CognitoAuthConfig;
  /** Copies the built pages and `/config.json` into the bucket at deploy time. */
  readonly deployment: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: ServiceDeskSiteProps) {
    super(scope, id);
    this.bucket = new PrivateBucket(this, 'Bucket', {
      serverAccessLogs: { bucket: props.accessLogs, prefix: 's3/site/' },
    });

    const staff = props.staff;
    const cognitoDomain = staff.domain.baseUrl();
    const headers = new cloudfront.ResponseHeadersPolicy(
      this,
      'ResponseHeaders',
      responseHeadersBehavior(
        cognitoDomain,
        // The presigner's host: regional, or the global name in us-east-1.
        [
          `https://${props.exportBucket.bucketRegionalDomainName}`,
          `https://${props.exportBucket.bucketDomainName}`,
        ],
      ),
    );

    const directoryIndex = new cloudfront.Function(this, 'DirectoryIndex', {
      comment: 'Folder URLs of the pages: /en/ is /en/index.html, /en goes to /en/',
      code: cloudfront.FunctionCode.fromInline(DIRECTORY_INDEX_FUNCTION),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });

    // The API's address from its id and the stage's name, not from the stage resource
    // (as RestApiOrigin does): the staff functions name the pages' client (SPEC §14), the
    // client names this distribution, so the distribution must not wait for the functions.
    const stack = Stack.of(this);
    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: new origins.HttpOrigin(
        `${props.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}`,
        {
          originPath: `/${props.apiStageName ?? API_STAGE_NAME}`,
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          ...(props.apiOriginHeaders ? { customHeaders: props.apiOriginHeaders } : {}),
        },
      ),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // With caching disabled this also forwards Authorization; Host must stay API Gateway's.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: headers,
    };

    const certificateArn = props.settings?.certificateArn;
    const publicHost = new URL(props.publicUrl).hostname;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Service desk: the pages, and the API under its own paths',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [
          { function: directoryIndex, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      additionalBehaviors: Object.fromEntries(
        apiPathPatterns().map((pattern) => [pattern, apiBehavior]),
      ),
      // Customers and staff are in Europe and North America.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      ...(props.webAclArn === undefined ? {} : { webAclId: props.webAclArn }),
      enableLogging: true,
      logBucket: props.accessLogs,
      logFilePrefix: 'cloudfront/',
      ...(certificateArn === undefined
        ? {}
        : {
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', certificateArn),
            domainNames: [publicHost],
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }),
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
    this.acknowledgeDistributionFindings(
      certificateArn !== undefined,
      props.webAclArn !== undefined,
    );

    // Staff come back to the page they signed in on, at either address.
    const addresses = [
      this.url,
      ...(certificateArn === undefined ? [] : [`https://${publicHost}`]),
    ];
    const client = staff.addPagesClient(
      addresses.flatMap((address) => STAFF_PAGES.map((page) => `${address}${page}`)),
    );
    this.config = {
      auth: 'cognito',
      cognito: { domain: cognitoDomain, clientId: client.userPoolClientId },
    };

    this.deployment = this.deployPages();
  }

  /** Uploads the built pages and `/config.json` with a deployment function of its own. */
  private deployPages(): s3deploy.BucketDeployment {
    const role = new iam.Role(this, 'DeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Execution role of the function that copies the pages into the site bucket',
    });
    const logGroup = new logs.LogGroup(this, 'DeploymentLogGroup', {
      retention: logs.RetentionDays.ONE_MONTH,
    });
    logGroup.grantWrite(role);
    const pages = s3deploy.Source.asset(join(PROJECT_ROOT, 'web'), {
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Never pulled: the local build below always succeeds or fails the synth.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
        local: {
          tryBundle(outputDir) {
            writeSiteSync(outputDir);
            return true;
          },
        },
      },
    });
    const deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      sources: [pages, s3deploy.Source.jsonData('config.json', this.config)],
      destinationBucket: this.bucket,
      // Names carry no content hash (but the script chunks): browsers revalidate each use.
      cacheControl: [s3deploy.CacheControl.noCache()],
      prune: true,
      memoryLimit: 256,
      role,
      logGroup,
    });
    this.acknowledgeDeploymentFindings(role);
    return deployment;
  }

  /**
   * cdk-nag's findings on BucketDeployment's own grants and function, each with its reason.
   * The role serves this deployment only.
   */
  private acknowledgeDeploymentFindings(role: iam.Role): void {
    const stack = Stack.of(this);
    const qualifier =
      (this.node.tryGetContext(BOOTSTRAP_QUALIFIER_CONTEXT) as string | undefined) ??
      DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const assetBucket = `arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-<AWS::Region>`;
    const siteBucket = stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    const findings: Record<string, string> = {
      'Action::s3:GetBucket*':
        'BucketDeployment reads the bucket-level settings (location, versioning) of the CDK ' +
        'assets bucket and the site bucket before it copies; s3:GetBucket* names only reads.',
      'Action::s3:GetObject*':
        'BucketDeployment reads the zipped pages from the CDK assets bucket and compares ' +
        'objects of the site bucket when it syncs; the reads of object versions and tags ' +
        'come with the prefix, on those two buckets only.',
      'Action::s3:List*':
        'aws s3 sync (in BucketDeployment) lists the site bucket to find what to replace ' +
        'and what to prune; only the CDK assets bucket and the site bucket.',
      'Action::s3:Abort*':
        'BucketDeployment aborts its own failed multipart uploads into the site bucket.',
      'Action::s3:DeleteObject*':
        'prune: pages and script chunks that a new build no longer has are deleted from the ' +
        'site bucket, so stale scripts are not served.',
      [`Resource::${assetBucket}/*`]:
        'The CDK bootstrap assets bucket of this account and region, whose object keys are ' +
        'asset hashes known only at synth; read-only.',
      [`Resource::<${siteBucket}.Arn>/*`]:
        'The pages are every object of the site bucket, which holds nothing else; ' +
        'BucketDeployment syncs it as a whole.',
    };
    for (const [finding, reason] of Object.entries(findings)) {
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
    // BucketDeployment's function is a singleton at the stack's root.
    const handler = stack.node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (handler) {
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          "The deployment function is aws-cdk-lib's BucketDeployment handler (Python with the " +
          'AWS CLI layer); its runtime moves with aws-cdk-lib, and it runs at deploy time only.',
      });
    }
  }

  private acknowledgeDistributionFindings(customDomain: boolean, webAcl: boolean): void {
    const distribution = this.distribution;
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: customers of the vendor write from wherever they are, and ' +
        'staff travel; every API call needs a ticket token or a Cognito token anyway.',
    });
    if (!webAcl) {
      Validations.of(distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'Built without a web ACL on purpose (a test or a stack without the edge stack); the ' +
          "service desk stack always passes the edge stack's (lib/edge-protection.ts).",
      });
    }
    if (!customDomain) {
      Validations.of(distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Served at the default *.cloudfront.net domain, whose certificate CloudFront ' +
          'offers with its own TLS policy; set servicedesk:siteCertificateArn to serve the ' +
          'public URL with a certificate of your own and TLS 1.2 at least.',
      });
    }
  }
}
