import { SecretAccessTokens } from '../adapters/access-tokens';
import type { AccessTokens } from '../app/ports';
import { addPart } from './dependencies';
import { secret } from './secrets';

/**
 * `deps` with the derivation of customers' access tokens from `ACCESS_TOKEN_SECRET` (Secrets
 * Manager in AWS). Only functions that import this module bundle the Secrets Manager client.
 */
export function withAccessTokens<T extends object>(deps: T): T & { accessTokens: AccessTokens } {
  return addPart(
    deps,
    'accessTokens',
    () => new SecretAccessTokens(() => secret('ACCESS_TOKEN_SECRET')),
  );
}
