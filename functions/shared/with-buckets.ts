import { S3Client } from '@aws-sdk/client-s3';
import { S3ExportStore } from '../adapters/s3-export-store';
import { S3MailBucket } from '../adapters/s3-mail-bucket';
import type { ExportStore } from '../app/export-ports';
import type { AttachmentStore } from '../app/mail-ports';
import { addPart, once } from './dependencies';
import { optional, required } from './config';
import { instrumented } from './instrumentation';
import type { MailFiles } from '../app/privacy';

/** One S3 client per process (`S3_ENDPOINT` for the local stand-in). */
const s3 = once(() => {
  const endpoint = optional('S3_ENDPOINT');
  return instrumented(new S3Client(endpoint ? { endpoint, forcePathStyle: true } : {}));
});

/**
 * `deps` with the mail bucket (`MAIL_BUCKET`): received mail, quarantine, and ticket files
 * (`attachments`). Only functions that import this module bundle the S3 client.
 */
export function withMailBucket<T extends object>(
  deps: T,
): T & { mailBucket: S3MailBucket; attachments: AttachmentStore; mailFiles: MailFiles } {
  const withBucket = addPart(
    deps,
    'mailBucket',
    () => new S3MailBucket(s3(), required('MAIL_BUCKET')),
  );
  const withAttachments = addPart(withBucket, 'attachments', () => withBucket.mailBucket);
  return addPart(withAttachments, 'mailFiles', () => withBucket.mailBucket);
}

/** `deps` with the export bucket (`EXPORT_BUCKET`). */
export function withExports<T extends object>(deps: T): T & { exports: ExportStore } {
  return addPart(deps, 'exports', () => new S3ExportStore(s3(), required('EXPORT_BUCKET')));
}
