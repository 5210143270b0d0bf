import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A customer's access token opens one ticket. It is never stored: the ticket keeps only
 * its SHA-256 (`hashAccessToken`), so a leaked table or backup does not open tickets. The
 * places that must hand the token out again later (the acknowledgement the mailer sends, a
 * retried submission under the same Idempotency-Key) keep a random nonce instead, and
 * derive the token from it with the server's access-token secret (`deriveAccessToken`):
 * the nonce alone, in the idempotency record or a queued event, opens nothing.
 */

/** Bytes of a nonce and of a token (24 bytes: 32 base64url characters). */
const TOKEN_BYTES = 24;

/** What the derivation is for, so the secret's HMACs can never stand for anything else. */
const PURPOSE = 'servicedesk.access-token.v1';

/** A fresh nonce from 24 random bytes (`random` gives them; node:crypto in production). */
export function accessTokenNonce(random: (bytes: number) => Buffer): string {
  return random(TOKEN_BYTES).toString('base64url');
}

/**
 * The access token of a ticket: HMAC-SHA256 with the server secret over the purpose, the
 * ticket number and the nonce, cut to 24 bytes, base64url. The same inputs always give the
 * same token; without the secret, nonce and ticket number give nothing.
 */
export function deriveAccessToken(secret: string, ticketId: string, nonce: string): string {
  return createHmac('sha256', secret)
    .update(`${PURPOSE}\n${ticketId}\n${nonce}`, 'utf8')
    .digest()
    .subarray(0, TOKEN_BYTES)
    .toString('base64url');
}

/** The SHA-256 of a token: the only form of it the ticket stores. */
export function hashAccessToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** Whether a token someone presents is the ticket's (constant time). */
export function accessTokenMatches(token: string, storedHash: string): boolean {
  const given = Buffer.from(hashAccessToken(token));
  const stored = Buffer.from(storedHash);
  return given.length === stored.length && timingSafeEqual(given, stored);
}
