import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed requests from the phone system: `X-Servicedesk-Signature: sha256=<hex>` is the
 * HMAC-SHA256 of `<timestamp>.<raw body>` under the shared secret, and
 * `X-Servicedesk-Timestamp` is the Unix time in seconds. A request older or newer than the
 * window is refused, so a captured request cannot be replayed later.
 */
export const SIGNATURE_WINDOW_SECONDS = 300;

export function signRequest(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

export type SignatureCheck = 'valid' | 'missing' | 'stale' | 'mismatch';

export function checkSignature(
  secret: string,
  request: { timestamp?: string; signature?: string; body: string },
  now: Date,
): SignatureCheck {
  if (!request.timestamp || !request.signature) return 'missing';
  if (!/^\d{1,12}$/.test(request.timestamp)) return 'mismatch';
  const timestamp = Number(request.timestamp);
  if (Math.abs(now.getTime() / 1000 - timestamp) > SIGNATURE_WINDOW_SECONDS) return 'stale';
  const expected = Buffer.from(signRequest(secret, timestamp, request.body));
  const given = Buffer.from(request.signature.trim());
  return expected.length === given.length && timingSafeEqual(expected, given)
    ? 'valid'
    : 'mismatch';
}
