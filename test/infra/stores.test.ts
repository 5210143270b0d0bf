import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_PREFIXES, MAIL_PREFIXES, RETENTION } from '../../lib/service-desk-data';
import { serviceDeskTemplate } from './synth';
import { onlyResource, resourcesOfType, type CfnResource } from './template-model';

interface LifecycleRule {
  Id: string;
  Prefix?: string;
  Status: string;
  ExpirationInDays?: number;
  Transitions?: { StorageClass: string; TransitionInDays: number }[];
  AbortIncompleteMultipartUpload?: { DaysAfterInitiation: number };
}

let template: Template;
beforeAll(() => {
  template = serviceDeskTemplate();
});

const rulesOf = (bucket: CfnResource) =>
  (bucket.Properties?.LifecycleConfiguration as { Rules: LifecycleRule[] }).Rules;
const ruleFor = (bucket: CfnResource, prefix: string) =>
  rulesOf(bucket).find((rule) => rule.Prefix === prefix);

describe('the buckets (stateful)', () => {
  it('are the mail, export, site and access log buckets, with stable logical ids', () => {
    expect(Object.keys(resourcesOfType(template, 'AWS::S3::Bucket')).sort()).toEqual([
      'DataAccessLogBucket12B33367',
      'DataExportBucket533B01B1',
      'DataMailBucket645F84D7',
      'SiteBucket978D4AEB',
    ]);
  });

  it('are all encrypted (SSE-S3), with every kind of public access blocked, and retained', () => {
    for (const [id, bucket] of Object.entries(resourcesOfType(template, 'AWS::S3::Bucket'))) {
      expect(bucket.Properties, id).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      });
      expect(bucket.DeletionPolicy, id).toBe('Retain');
      expect(bucket.UpdateReplacePolicy, id).toBe('Retain');
    }
  });

  it('all refuse requests without TLS', () => {
    for (const id of Object.keys(resourcesOfType(template, 'AWS::S3::Bucket'))) {
      const policies = Object.values(resourcesOfType(template, 'AWS::S3::BucketPolicy')).filter(
        (policy) => (policy.Properties?.Bucket as { Ref?: string }).Ref === id,
      );
      expect(policies, id).toHaveLength(1);
      expect(policies[0]?.Properties?.PolicyDocument).toMatchObject({
        Statement: expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      });
    }
  });

  it('log their requests to the access log bucket, each under a prefix of its own', () => {
    const [logBucket] = onlyResource(template, 'AWS::S3::Bucket', 'DataAccessLogBucket');
    const prefixes = Object.entries(resourcesOfType(template, 'AWS::S3::Bucket'))
      .filter(([id]) => id !== logBucket)
      .map(([, bucket]) => {
        expect(bucket.Properties?.LoggingConfiguration).toMatchObject({
          DestinationBucketName: { Ref: logBucket },
        });
        expect(bucket.Properties?.OwnershipControls).toEqual({
          Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
        });
        return (bucket.Properties?.LoggingConfiguration as { LogFilePrefix: string }).LogFilePrefix;
      });
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });

  it('abort incomplete multipart uploads after a week', () => {
    for (const bucket of Object.values(resourcesOfType(template, 'AWS::S3::Bucket'))) {
      expect(rulesOf(bucket)).toContainEqual(
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
      );
    }
  });
});

describe('the mail bucket', () => {
  let bucket: CfnResource;
  beforeAll(() => {
    [, bucket] = onlyResource(template, 'AWS::S3::Bucket', 'DataMailBucket');
  });

  it('expires raw mail under incoming/ after 90 days', () => {
    expect(ruleFor(bucket, MAIL_PREFIXES.incoming)).toMatchObject({
      Status: 'Enabled',
      ExpirationInDays: RETENTION.incomingMail.toDays(),
    });
    expect(RETENTION.incomingMail.toDays()).toBe(90);
  });

  it('expires quarantined mail after 30 days', () => {
    expect(ruleFor(bucket, MAIL_PREFIXES.quarantine)).toMatchObject({
      ExpirationInDays: RETENTION.quarantinedMail.toDays(),
    });
    expect(RETENTION.quarantinedMail.toDays()).toBe(30);
  });

  it('keeps attachments as long as their tickets, in infrequent access after 90 days', () => {
    const rule = ruleFor(bucket, MAIL_PREFIXES.attachments);
    expect(rule?.ExpirationInDays).toBeUndefined();
    expect(rule?.Transitions).toEqual([{ StorageClass: 'STANDARD_IA', TransitionInDays: 90 }]);
  });

  it('expires nothing outside those prefixes', () => {
    for (const rule of rulesOf(bucket)) {
      if (rule.ExpirationInDays !== undefined) expect(rule.Prefix).toBeDefined();
    }
  });
});

describe('the export bucket', () => {
  let bucket: CfnResource;
  beforeAll(() => {
    [, bucket] = onlyResource(template, 'AWS::S3::Bucket', 'DataExportBucket');
  });

  it('expires exports fetched by link after 7 days', () => {
    expect(ruleFor(bucket, EXPORT_PREFIXES.requests)).toMatchObject({ ExpirationInDays: 7 });
  });

  it('keeps monthly exports the eleven years German bookkeeping asks, infrequent access after 30 days', () => {
    expect(ruleFor(bucket, EXPORT_PREFIXES.monthly)).toMatchObject({
      ExpirationInDays: 11 * 366,
      Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
    });
  });

  it('lets the finance page (any origin) GET by presigned link, nothing else cross-origin', () => {
    expect(bucket.Properties?.CorsConfiguration).toEqual({
      CorsRules: [{ AllowedMethods: ['GET'], AllowedOrigins: ['*'], MaxAge: 3600 }],
    });
  });
});

describe('the access log bucket', () => {
  it('accepts CloudFront log delivery (ACLs, bucket owner preferred) and expires logs after 90 days', () => {
    const [, bucket] = onlyResource(template, 'AWS::S3::Bucket', 'DataAccessLogBucket');
    expect(bucket.Properties?.OwnershipControls).toEqual({
      Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }],
    });
    expect(rulesOf(bucket)).toContainEqual(
      expect.objectContaining({ Status: 'Enabled', ExpirationInDays: 90 }),
    );
    expect(bucket.Properties?.LoggingConfiguration).toBeUndefined();
  });
});

describe('the voicemail secret (stateful)', () => {
  it('is generated without punctuation (easy to enter in a phone system) and retained', () => {
    const [, secret] = onlyResource(template, 'AWS::SecretsManager::Secret', 'DataVoicemailSecret');
    expect(secret.Properties?.GenerateSecretString).toMatchObject({
      ExcludePunctuation: true,
      PasswordLength: 48,
    });
    expect(secret.Properties?.GenerateSecretString).not.toHaveProperty('SecretStringTemplate');
    expect(secret.DeletionPolicy).toBe('Retain');
  });

  it('is output by ARN, never by value', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.VoicemailSecretArn?.Value).toEqual({
      Ref: expect.stringMatching(/^DataVoicemailSecret/),
    });
  });
});
