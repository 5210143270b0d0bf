import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { AttachmentStore } from '../app/mail-ports';
import { signedDownload } from './signed-download';
import { quarantineKey } from '../domain/bucket-keys';

/**
 * The mail bucket: raw received mail (`incoming/`, written by SES), attachments under their
 * ticket (`attachments/<ticketId>/…`) and mail nobody could be found for (`quarantine/`).
 */
export class S3MailBucket implements AttachmentStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async read(bucket: string, key: string): Promise<Uint8Array> {
    const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!Body) throw new Error(`s3://${bucket}/${key} is empty`);
    return Body.transformToByteArray();
  }

  async put(key: string, content: Uint8Array, contentType: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: content,
        ContentType: contentType,
      }),
    );
  }

  downloadUrl(key: string, fileName: string): Promise<string> {
    return signedDownload(this.s3, this.bucket, key, fileName);
  }

  /**
   * Deletes objects of this bucket (an erasure, the end of a retention period); keys that
   * are gone already count as deleted. Resolves how many were asked for.
   */
  async delete(keys: readonly string[]): Promise<number> {
    for (const key of keys) {
      await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    }
    return keys.length;
  }

  /** Keeps a copy of a raw mail under `quarantine/` for a person to look at. */
  async quarantine(bucket: string, key: string): Promise<string> {
    const target = quarantineKey(key);
    await this.s3.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: target,
        CopySource: `${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`,
        // SES writes no tags; not copying any keeps the copy within s3:PutObject rights.
        TaggingDirective: 'REPLACE',
      }),
    );
    return target;
  }
}
