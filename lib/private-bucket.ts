import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/** Options for {@link PrivateBucket}. */
export interface PrivateBucketProps {
  /** Where S3 writes the bucket's server access logs: the log bucket and a key prefix. */
  readonly serverAccessLogs: { readonly bucket: s3.IBucket; readonly prefix: string };
  /**
   * How long objects live, per key prefix. A rule that aborts incomplete multipart uploads
   * after a week is always added.
   * @default none besides that one
   */
  readonly lifecycleRules?: s3.LifecycleRule[];
  /**
   * Cross-origin rules, for pages that fetch objects by presigned link.
   * @default none
   */
  readonly cors?: s3.CorsRule[];
  /**
   * Keep overwritten and deleted objects (versioning) this long, so that an overwrite or a
   * delete by mistake (or by a stolen credential) can be undone; expired objects' delete
   * markers are cleaned up too.
   * @default no versioning
   */
  readonly keepOldVersions?: Duration;
  /**
   * What happens to the bucket when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A bucket no one reaches but through IAM: all public access blocked, ACLs off (the owner
 * owns every object), requests without TLS refused, encrypted at rest with S3-managed keys
 * (SSE-S3), server access logs to the log bucket, retained by default.
 *
 * SSE-S3 rather than a KMS key: who may read an object is decided by IAM grants per key
 * prefix, which a key policy would only repeat; SES (which writes received mail) and
 * CloudFront (which reads the pages) need no key grants; and there is no per-request KMS
 * charge on attachments and exports.
 */
export class PrivateBucket extends s3.Bucket {
  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id, {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      serverAccessLogsBucket: props.serverAccessLogs.bucket,
      serverAccessLogsPrefix: props.serverAccessLogs.prefix,
      ...(props.keepOldVersions ? { versioned: true } : {}),
      lifecycleRules: [
        ...(props.lifecycleRules ?? []),
        { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        ...(props.keepOldVersions
          ? [
              {
                id: 'ExpireOldVersions',
                noncurrentVersionExpiration: props.keepOldVersions,
                expiredObjectDeleteMarker: true,
              },
            ]
          : []),
      ],
      ...(props.cors ? { cors: props.cors } : {}),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}

/** Options for {@link AccessLogBucket}. */
export interface AccessLogBucketProps {
  /**
   * How long logs are kept. They hold viewers' IP addresses, personal data: kept as long as
   * an incident takes to notice and investigate, not longer.
   * @default Duration.days(90)
   */
  readonly retention?: Duration;
}

/**
 * Where the other buckets' server access logs and CloudFront's access logs go: private,
 * SSE-S3, TLS only, logs expire after `retention`. ACLs stay enabled (bucket owner
 * preferred) because CloudFront's standard logging delivers by ACL grant; S3 server access
 * logging is granted by bucket policy. Retained with the stack's other records.
 */
export class AccessLogBucket extends s3.Bucket {
  constructor(scope: Construct, id: string, props: AccessLogBucketProps = {}) {
    super(scope, id, {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      lifecycleRules: [
        { id: 'ExpireLogs', expiration: props.retention ?? Duration.days(90) },
        { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access log bucket itself: logging its requests into itself would log ' +
        'every log delivery again, and another bucket for its logs would need one in turn. ' +
        'Its writers are S3 log delivery and CloudFront; no person or function writes here.',
    });
  }
}
