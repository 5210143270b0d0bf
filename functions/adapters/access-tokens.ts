import { randomBytes } from 'node:crypto';
import type { AccessTokens } from '../app/ports';
import { accessTokenNonce, deriveAccessToken } from '../domain/access-token';

/**
 * Access tokens derived from the server's access-token secret (Secrets Manager in AWS,
 * `.local/access-token-secret` locally): the submitting function and the mailer derive the
 * same token from a ticket's nonce, so neither the idempotency record nor the queued
 * acknowledgement has to hold the token itself.
 */
export class SecretAccessTokens implements AccessTokens {
  constructor(private readonly secret: () => Promise<string>) {}

  newNonce(): string {
    return accessTokenNonce(randomBytes);
  }

  async tokenFor(ticketId: string, nonce: string): Promise<string> {
    return deriveAccessToken(await this.secret(), ticketId, nonce);
  }
}
