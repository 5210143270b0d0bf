import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * A customer's access token is shown once, at submission; only its SHA-256 is stored, so a
 * leaked table does not let anyone read tickets.
 */
export function hashAccessToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

export function accessTokenMatches(token: string, storedHash: string): boolean {
  const given = Buffer.from(hashAccessToken(token));
  const stored = Buffer.from(storedHash);
  return given.length === stored.length && timingSafeEqual(given, stored);
}
