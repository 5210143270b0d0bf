import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** How long a download link works. */
const LINK_SECONDS = 15 * 60;

/**
 * A short-lived link that downloads an object under the given file name (RFC 6266, with
 * the UTF-8 form for names beyond ASCII).
 */
export function signedDownload(
  s3: S3Client,
  bucket: string,
  key: string,
  fileName: string,
): Promise<string> {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return getSignedUrl(
    s3,
    new GetObjectCommand({
      Bucket: bucket,
      Key: key,
      ResponseContentDisposition: `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    }),
    { expiresIn: LINK_SECONDS },
  );
}
