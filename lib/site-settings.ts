import type { Construct } from 'constructs';

/**
 * Where and how the web pages are served. Read from CDK context (cdk.json or
 * `-c key=value`), see {@link SITE_CONTEXT_KEYS}; both are optional.
 */
export interface SiteSettings {
  /**
   * An ACM certificate in us-east-1 (CloudFront's region for certificates) for the host of
   * the public URL. With it, the distribution also answers at that host (point a CNAME or
   * alias record at the distribution), and viewers need TLS 1.2.
   * @default none: the pages are served at the distribution's `*.cloudfront.net` address
   */
  readonly certificateArn?: string;
  /**
   * The prefix of the staff sign-in domain, `<prefix>.auth.<region>.amazoncognito.com`;
   * unique in the region across all AWS accounts.
   * @default `servicedesk-<account id>`
   */
  readonly authDomainPrefix?: string;
}

/** The context keys the settings are read from. */
export const SITE_CONTEXT_KEYS: Readonly<Record<keyof SiteSettings, string>> = {
  certificateArn: 'servicedesk:siteCertificateArn',
  authDomainPrefix: 'servicedesk:authDomainPrefix',
};

const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[A-Za-z0-9-]+$/;
/** Cognito's rule for domain prefixes; it also refuses the words `aws`, `amazon`, `cognito`. */
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The site settings from the construct tree's context, checked at synth. */
export function siteSettingsFromContext(scope: Construct): SiteSettings {
  const read = (key: keyof SiteSettings): string | undefined => {
    const value: unknown = scope.node.tryGetContext(SITE_CONTEXT_KEYS[key]);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      throw new Error(`Context ${SITE_CONTEXT_KEYS[key]} must be a string.`);
    }
    return value.trim() === '' ? undefined : value.trim();
  };
  const certificateArn = read('certificateArn');
  const authDomainPrefix = read('authDomainPrefix');
  const settings: SiteSettings = {
    ...(certificateArn === undefined ? {} : { certificateArn }),
    ...(authDomainPrefix === undefined ? {} : { authDomainPrefix }),
  };
  validateSiteSettings(settings);
  return settings;
}

/** Throws on settings CloudFront or Cognito would refuse at deploy time. */
export function validateSiteSettings({ certificateArn, authDomainPrefix }: SiteSettings): void {
  if (certificateArn !== undefined && !CERTIFICATE_ARN.test(certificateArn)) {
    throw new Error(
      `${SITE_CONTEXT_KEYS.certificateArn} "${certificateArn}" is not the ARN of an ACM ` +
        'certificate in us-east-1 (CloudFront takes certificates from there only).',
    );
  }
  if (
    authDomainPrefix !== undefined &&
    (!DOMAIN_PREFIX.test(authDomainPrefix) || /aws|amazon|cognito/.test(authDomainPrefix))
  ) {
    throw new Error(
      `${SITE_CONTEXT_KEYS.authDomainPrefix} "${authDomainPrefix}" is not a Cognito domain ` +
        'prefix: lower-case letters, digits and inner hyphens, without "aws", "amazon" or ' +
        '"cognito".',
    );
  }
}
