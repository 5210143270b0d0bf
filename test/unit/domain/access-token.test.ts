import { describe, expect, it } from 'vitest';
import {
  accessTokenMatches,
  accessTokenNonce,
  deriveAccessToken,
  hashAccessToken,
} from '../../../functions/domain/access-token';

describe('deriveAccessToken', () => {
  it('gives the same 32-character token for the same secret, ticket and nonce', () => {
    const token = deriveAccessToken('secret', 'T-10001', 'nonce');
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(deriveAccessToken('secret', 'T-10001', 'nonce')).toBe(token);
  });

  it('differs with the secret, the ticket or the nonce', () => {
    const token = deriveAccessToken('secret', 'T-10001', 'nonce');
    expect(deriveAccessToken('other', 'T-10001', 'nonce')).not.toBe(token);
    expect(deriveAccessToken('secret', 'T-10002', 'nonce')).not.toBe(token);
    expect(deriveAccessToken('secret', 'T-10001', 'nonce2')).not.toBe(token);
  });

  it('is not its nonce, and its hash reveals neither', () => {
    const nonce = accessTokenNonce((n) => Buffer.alloc(n, 7));
    const token = deriveAccessToken('secret', 'T-10001', nonce);
    expect(token).not.toBe(nonce);
    expect(hashAccessToken(token)).not.toContain(token);
    expect(accessTokenMatches(token, hashAccessToken(token))).toBe(true);
    expect(accessTokenMatches(nonce, hashAccessToken(token))).toBe(false);
  });
});
