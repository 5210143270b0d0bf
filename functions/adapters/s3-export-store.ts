import { Readable } from 'node:stream';
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ExportFiles, ExportStore } from '../app/export-ports';
import { signedDownload } from './signed-download';

/** Billing exports in their own bucket, written as a stream (multipart upload). */
export class S3ExportStore implements ExportStore, ExportFiles {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, chunks: AsyncIterable<string | Uint8Array>, contentType: string) {
    const upload = new Upload({
      client: this.s3,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: Readable.from(chunks),
        ContentType: contentType,
      },
      queueSize: 2,
      partSize: 5 * 1024 * 1024,
    });
    await upload.done();
    return { bucket: this.bucket, key };
  }

  downloadUrl(key: string, fileName: string): Promise<string> {
    return signedDownload(this.s3, this.bucket, key, fileName);
  }

  async delete(keys: readonly string[]): Promise<number> {
    for (const key of keys) {
      await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    }
    return keys.length;
  }
}
