import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { UnauthorizedError } from '../domain/errors';
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
        const { payload } = await jwtVerify(token, keys, { issuer, algorithms: ['RS256'] });
        return payload;
      } catch {
        throw new UnauthorizedError('The bearer token is invalid or expired.');
      }
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
    configured = createBearerVerifier(jwksUrl, issuer);
  }
  return configured;
}

/** The token of an `Authorization: Bearer …` header, if there is one. */
export function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
