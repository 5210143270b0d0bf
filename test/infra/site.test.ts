import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/http/routes';
import { securityHeaders } from '../../web/build';
import { MAIL_CONTEXT_KEYS } from '../../lib/mail-settings';
import { writeSiteSync } from '../../lib/site-build';
import {
  DIRECTORY_INDEX_FUNCTION,
  STAFF_PAGES,
  apiPathPatterns,
  withConnectSources,
} from '../../lib/service-desk-site';
import { SITE_CONTEXT_KEYS } from '../../lib/site-settings';
import { CDK_CONTEXT, serviceDesk } from './synth';
import { getAttTargets, onlyResource, refOf, type CfnResource } from './template-model';

/** CloudFront's managed policies, by their fixed ids. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

/** Whether a path matches a CloudFront path pattern (`*`: any characters, `?`: one). */
function matchesPattern(pattern: string, path: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(path);
}

interface Behavior {
  PathPattern?: string;
  TargetOriginId: string;
  ViewerProtocolPolicy: string;
  AllowedMethods: string[];
  CachePolicyId: string;
  OriginRequestPolicyId?: string;
  ResponseHeadersPolicyId: unknown;
  FunctionAssociations?: { EventType: string; FunctionARN: unknown }[];
}

interface DistributionConfig {
  DefaultCacheBehavior: Behavior;
  CacheBehaviors: Behavior[];
  Origins: { Id: string; DomainName: unknown; OriginAccessControlId?: unknown }[];
  DefaultRootObject: string;
  Logging: { Bucket: unknown; Prefix: string };
  PriceClass: string;
  Aliases?: string[];
  ViewerCertificate?: Record<string, unknown>;
}

const { stack } = serviceDesk();
let template: Template;
let config: DistributionConfig;
beforeAll(() => {
  template = Template.fromStack(stack);
  const [, distribution] = onlyResource(
    template,
    'AWS::CloudFront::Distribution',
    'SiteDistribution',
  );
  config = distribution.Properties?.DistributionConfig as DistributionConfig;
});

describe('the API path patterns', () => {
  it('are derived from the route table', () => {
    expect(apiPathPatterns()).toEqual([
      '/customers',
      '/customers/*',
      '/exports/*',
      '/health',
      '/intake/*',
      '/openapi.json',
      // Not '/portal.html': the page is the site's, the API is under '/portal/'.
      '/portal/*',
      '/price-list',
      '/privacy/*',
      '/queue',
      '/queue/*',
      '/reports/*',
      '/service-levels',
      '/service-levels/*',
      '/tickets',
      '/tickets/*',
    ]);
  });

  it.each(routes)('cover $method $path', (route) => {
    const concrete = route.path.replace(/\{\w+\}/g, 'T-1042');
    expect(apiPathPatterns().some((pattern) => matchesPattern(pattern, concrete))).toBe(true);
  });

  describe('and the built pages', () => {
    const outputDir = mkdtempSync(join(tmpdir(), 'servicedesk-site-'));
    afterAll(() => rmSync(outputDir, { recursive: true, force: true }));
    const files = (): string[] => {
      if (readdirSync(outputDir).length === 0) writeSiteSync(outputDir);
      return readdirSync(outputDir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => `/${relative(outputDir, join(entry.parentPath, entry.name))}`);
    };

    it('are every page in both languages, the scripts and the static files, without config.json', () => {
      expect(files()).toEqual(
        expect.arrayContaining([
          '/index.html',
          '/en/index.html',
          '/status.html',
          '/portal.html',
          '/assets/portal.js',
          ...STAFF_PAGES,
          '/styles.css',
          '/assets/form.js',
        ]),
      );
      expect(existsSync(join(outputDir, 'config.json'))).toBe(false);
    });

    it('are never shadowed by an API path pattern', () => {
      for (const path of files()) {
        expect(
          apiPathPatterns().filter((pattern) => matchesPattern(pattern, path)),
          path,
        ).toEqual([]);
      }
    });
  });

  it('refuse a route at the root, which would take every page', () => {
    expect(() => apiPathPatterns([{ path: '/' }])).toThrow(/root/);
  });
});

describe('the distribution', () => {
  let apiOrigin: string;
  let siteOrigin: string;
  beforeAll(() => {
    siteOrigin = config.DefaultCacheBehavior.TargetOriginId;
    const api = config.Origins.find((origin) =>
      JSON.stringify(origin.DomainName).includes('ApiRestApi'),
    );
    apiOrigin = api?.Id ?? '';
  });

  it('serves the pages from the site bucket through origin access control', () => {
    const origin = config.Origins.find((o) => o.Id === siteOrigin);
    expect(getAttTargets(origin?.DomainName)).toEqual([expect.stringMatching(/^SiteBucket/)]);
    expect(getAttTargets(origin?.OriginAccessControlId)).toEqual([
      expect.stringMatching(/OriginAccessControl/),
    ]);
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      CachePolicyId: CACHING_OPTIMIZED,
    });
    expect(config.DefaultRootObject).toBe('index.html');
  });

  it('lets only this distribution read the site bucket', () => {
    const [, policy] = onlyResource(template, 'AWS::S3::BucketPolicy', 'SiteBucketPolicy');
    const allows = (
      policy.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] }
    ).Statement.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Condition: {
          StringEquals: { 'AWS:SourceArn': expect.anything() },
        },
      }),
    ]);
    expect(JSON.stringify(allows)).toContain('SiteDistribution');
  });

  it('sends each API path pattern to API Gateway, uncached, with all viewer headers but Host', () => {
    expect(config.CacheBehaviors.map((b) => b.PathPattern).sort()).toEqual(apiPathPatterns());
    for (const behavior of config.CacheBehaviors) {
      expect(behavior).toMatchObject({
        TargetOriginId: apiOrigin,
        ViewerProtocolPolicy: 'https-only',
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
        ResponseHeadersPolicyId: config.DefaultCacheBehavior.ResponseHeadersPolicyId,
      });
      expect(behavior.AllowedMethods.sort()).toEqual(
        ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'].sort(),
      );
    }
  });

  it("reaches the API at its stage's path", () => {
    const origin = config.Origins.find((o) => o.Id === apiOrigin) as unknown as {
      OriginPath: unknown;
      CustomOriginConfig: unknown;
    };
    expect(origin.OriginPath).toBe('/v1');
    const domain = JSON.stringify((origin as unknown as { DomainName: unknown }).DomainName);
    expect(domain).toContain('.execute-api.');
    expect(domain).toContain('ApiRestApi');
    expect(origin.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
  });

  it('logs access to the access log bucket', () => {
    expect(config.Logging).toEqual({
      Bucket: {
        'Fn::GetAtt': [expect.stringMatching(/^DataAccessLogBucket/), 'RegionalDomainName'],
      },
      Prefix: 'cloudfront/',
    });
  });

  it('is output as the site URL', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(JSON.stringify(outputs.SiteUrl?.Value)).toContain('SiteDistribution');
  });
});

describe('the security headers', () => {
  let headers: Record<string, Record<string, unknown>>;
  let csp: string;
  beforeAll(() => {
    const [, policy] = onlyResource(
      template,
      'AWS::CloudFront::ResponseHeadersPolicy',
      'SiteResponseHeaders',
    );
    const policyConfig = policy.Properties?.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: Record<string, Record<string, unknown>>;
    };
    headers = policyConfig.SecurityHeadersConfig;
    // The CSP with its deploy-time parts named.
    csp = renderCsp(policy);
  });

  it('forbid inline scripts and styles and framing, and allow only the origin by default', () => {
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toMatch(/(^|; )default-src 'self'(;|$)/);
    expect(csp).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
    expect(csp).toMatch(/(^|; )object-src 'none'(;|$)/);
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
  });

  it('let the pages talk to the hosted UI (token endpoint) and fetch exports from their links', () => {
    const connect = /connect-src ([^;]*)/.exec(csp)?.[1]?.split(' ');
    expect(connect).toEqual([
      "'self'",
      'https://<StaffUserPoolHostedUiDomain>.auth.<AWS::Region>.amazoncognito.com',
      'https://<DataExportBucket.RegionalDomainName>',
      'https://<DataExportBucket.DomainName>',
    ]);
  });

  it('are those the local page server sends, plus HSTS', () => {
    const local = securityHeaders({
      auth: 'cognito',
      cognito: { domain: 'https://hosted-ui.invalid', clientId: 'client' },
    });
    const deployed = csp.replace(
      'https://<StaffUserPoolHostedUiDomain>.auth.<AWS::Region>.amazoncognito.com',
      'https://hosted-ui.invalid',
    );
    expect(
      withConnectSources(local['content-security-policy'] ?? '', [
        'https://<DataExportBucket.RegionalDomainName>',
        'https://<DataExportBucket.DomainName>',
      ]),
    ).toBe(deployed);
    expect(headers.StrictTransportSecurity).toMatchObject({ Override: true });
    expect(headers.StrictTransportSecurity?.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(
      365 * 24 * 60 * 60,
    );
  });

  it('apply to the pages and the API alike', () => {
    const policy = config.DefaultCacheBehavior.ResponseHeadersPolicyId;
    expect(refOf(policy)).toMatch(/^SiteResponseHeaders/);
    for (const behavior of config.CacheBehaviors) {
      expect(behavior.ResponseHeadersPolicyId).toEqual(policy);
    }
  });
});

describe('withConnectSources', () => {
  it('adds to connect-src, or adds connect-src', () => {
    expect(withConnectSources("default-src 'self'; connect-src 'self'", ['https://a'])).toBe(
      "default-src 'self'; connect-src 'self' https://a",
    );
    expect(withConnectSources("default-src 'self'", ['https://a'])).toBe(
      "default-src 'self'; connect-src 'self' https://a",
    );
    expect(withConnectSources("default-src 'self'", [])).toBe("default-src 'self'");
  });
});

describe('the directory index function', () => {
  type Request = {
    uri: string;
    querystring: Record<string, { value: string; multiValue?: { value: string }[] }>;
  };
  const handler = new Function(`${DIRECTORY_INDEX_FUNCTION}; return handler;`)() as (event: {
    request: Request;
  }) => Request | { statusCode: number; headers: { location: { value: string } } };
  const request = (uri: string, querystring: Request['querystring'] = {}) =>
    handler({ request: { uri, querystring } });

  it('serves folders by their index.html', () => {
    expect(request('/')).toMatchObject({ uri: '/index.html' });
    expect(request('/en/')).toMatchObject({ uri: '/en/index.html' });
  });

  it('redirects a folder without its slash, keeping the query', () => {
    expect(request('/en')).toMatchObject({
      statusCode: 301,
      headers: { location: { value: '/en/' } },
    });
    expect(
      request('/en', {
        a: { value: '1' },
        b: { value: '2', multiValue: [{ value: '2' }, { value: '3' }] },
      }),
    ).toMatchObject({ headers: { location: { value: '/en/?a=1&b=2&b=3' } } });
  });

  it('leaves files alone', () => {
    expect(request('/status.html', { ticket: { value: 'T-1' } })).toMatchObject({
      uri: '/status.html',
    });
    expect(request('/assets/form.js')).toMatchObject({ uri: '/assets/form.js' });
  });

  it('runs on viewer requests of the pages, in the JavaScript 2.0 runtime', () => {
    template.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionCode: DIRECTORY_INDEX_FUNCTION,
      FunctionConfig: { Runtime: 'cloudfront-js-2.0' },
    });
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: expect.anything() },
    ]);
    for (const behavior of config.CacheBehaviors) {
      expect(behavior.FunctionAssociations).toBeUndefined();
    }
  });
});

describe('the deployment of the pages', () => {
  it('syncs the built pages and config.json into the site bucket, pruning the rest', () => {
    const [, deployment] = onlyResource(
      template,
      'Custom::CDKBucketDeployment',
      'SiteDeploymentCustomResource',
    );
    expect(deployment.Properties).toMatchObject({
      DestinationBucketName: { Ref: expect.stringMatching(/^SiteBucket/) },
      Prune: true,
      SystemMetadata: { 'cache-control': 'no-cache' },
    });
    expect(deployment.Properties?.SourceObjectKeys).toHaveLength(2);
  });

  it('writes a config.json naming the hosted UI and the pages client (web/src/lib/site-config.ts)', () => {
    expect(stack.resolve(stack.site.config)).toEqual({
      auth: 'cognito',
      cognito: {
        domain: {
          'Fn::Join': [
            '',
            [
              'https://',
              { Ref: expect.stringMatching(/^StaffUserPoolHostedUiDomain/) },
              '.auth.',
              { Ref: 'AWS::Region' },
              '.amazoncognito.com',
            ],
          ],
        },
        clientId: { Ref: expect.stringMatching(/^StaffUserPoolConsoleClient/) },
      },
    });
  });

  it('runs with a role of its own that writes only its own log group', () => {
    const [roleId] = onlyResource(template, 'AWS::IAM::Role', 'SiteDeploymentRole');
    const [, deploymentFunction] = onlyResource(
      template,
      'AWS::Lambda::Function',
      'CustomCDKBucketDeployment',
    );
    expect(getAttTargets(deploymentFunction.Properties?.Role)).toEqual([roleId]);
    expect(deploymentFunction.Properties).not.toHaveProperty('ManagedPolicyArns');
  });
});

describe('a custom domain', () => {
  const certificateArn = 'arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d-4e5f';
  let custom: Template;
  beforeAll(() => {
    custom = Template.fromStack(
      serviceDesk({
        context: {
          [SITE_CONTEXT_KEYS.certificateArn]: certificateArn,
          [MAIL_CONTEXT_KEYS.publicUrl]: 'https://desk.acme.internal',
        },
      }).stack,
    );
  });

  it("serves the public URL's host with that certificate and TLS 1.2 at least", () => {
    const [, distribution] = onlyResource(
      custom,
      'AWS::CloudFront::Distribution',
      'SiteDistribution',
    );
    const customConfig = distribution.Properties?.DistributionConfig as DistributionConfig;
    expect(customConfig.Aliases).toEqual(['desk.acme.internal']);
    expect(customConfig.ViewerCertificate).toEqual({
      AcmCertificateArn: certificateArn,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
  });

  it('is also where staff come back to after sign-in', () => {
    const [, client] = onlyResource(custom, 'AWS::Cognito::UserPoolClient', 'StaffUserPool');
    expect(client.Properties?.CallbackURLs).toEqual(
      expect.arrayContaining(STAFF_PAGES.map((page) => `https://desk.acme.internal${page}`)),
    );
  });

  it('needs a certificate from us-east-1', () => {
    expect(() =>
      serviceDesk({
        context: {
          [SITE_CONTEXT_KEYS.certificateArn]:
            'arn:aws:acm:eu-central-1:111122223333:certificate/0a1b2c3d',
        },
      }),
    ).toThrow(/us-east-1/);
  });
});

it('the placeholder public URL is not where staff come back to (no certificate, no alias)', () => {
  const [, client] = onlyResource(template, 'AWS::Cognito::UserPoolClient', 'StaffUserPool');
  expect(JSON.stringify(client.Properties)).not.toContain(
    new URL(String(CDK_CONTEXT[MAIL_CONTEXT_KEYS.publicUrl])).hostname,
  );
});

/** The CSP of a response headers policy, with `<LogicalIdPrefix>` for its tokens. */
function renderCsp(policy: CfnResource): string {
  const value = (
    policy.Properties?.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } };
    }
  ).SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy;
  const render = (part: unknown): string => {
    if (typeof part === 'string') return part;
    const join = (part as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map(render).join(join[0]);
    const ref = refOf(part);
    if (ref) return `<${ref.replace(/[0-9A-F]{8}$/, '')}>`;
    const getAtt = (part as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
    if (getAtt) return `<${getAtt[0].replace(/[0-9A-F]{8}$/, '')}.${getAtt[1]}>`;
    throw new Error(`Cannot render ${JSON.stringify(part)}`);
  };
  return render(value);
}
