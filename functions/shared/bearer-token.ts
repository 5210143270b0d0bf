import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { UnauthorizedError } from '../domain/errors';
import { setBounded } from './bounded-map';
import { optional } from './config';

/**
 * Verifies a staff bearer token the way API Gateway's Cognito authorizer does: RS256,
 * signed by a key of the issuer's JWKS, not expired, from the expected issuer. Used by the
 * local stack's authorizer and by routes that customers reach without a token.
 */
export interface BearerVerifier {
  verify(token: string): Promise<JWTPayload>;
}

export function createBearerVerifier(jwksUrl: string, issuer: string): BearerVerifier {
  const keys = createRemoteJWKSet(new URL(jwksUrl));
  return {
    async verify(token: string) {
      try {
        const { payload } = await jwtVerify(token, keys, {
          issuer,
          algorithms: ['RS256'],
          requiredClaims: ['exp'],
        });
        return payload;
      } catch {
        throw new UnauthorizedError('The bearer token is invalid or expired.');
      }
    },
  };
}

/** API Gateway's default authorizer result cache (the CDK's `resultsCacheTtl`). */
export const AUTHORIZER_CACHE_TTL_MS = 5 * 60 * 1000;
const CACHED_TOKENS = 1000;

/**
 * Remembers tokens that verified, as API Gateway's authorizer caches its results per
 * token: for `ttlMs`, and never past the token's expiry. Only tokens that verified are
 * kept; anything else is checked in full each time.
 */
export function cachingVerifier(
  verifier: BearerVerifier,
  now: () => number = Date.now,
  ttlMs = AUTHORIZER_CACHE_TTL_MS,
): BearerVerifier {
  const verified = new Map<string, { payload: JWTPayload; until: number }>();
  return {
    async verify(token: string) {
      const cached = verified.get(token);
      if (cached && now() < cached.until) return cached.payload;
      const payload = await verifier.verify(token);
      const expiresAt = typeof payload.exp === 'number' ? payload.exp * 1000 : now();
      const until = Math.min(now() + ttlMs, expiresAt);
      setBounded(verified, token, { payload, until }, CACHED_TOKENS);
      return payload;
    },
  };
}

let configured: BearerVerifier | undefined;

/** The verifier this process is configured with (`JWKS_URL`, `JWT_ISSUER`). */
export function bearerVerifier(): BearerVerifier {
  if (!configured) {
    const jwksUrl = optional('JWKS_URL');
    const issuer = optional('JWT_ISSUER');
    if (!jwksUrl || !issuer) throw new Error('JWKS_URL and JWT_ISSUER must be set');
    configured = cachingVerifier(createBearerVerifier(jwksUrl, issuer));
  }
  return configured;
}

/** The token of an `Authorization: Bearer …` header, if there is one. */
export function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
