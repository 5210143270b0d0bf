import type { JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  AUTHORIZER_CACHE_TTL_MS,
  type BearerVerifier,
  cachingVerifier,
} from '../../../functions/shared/bearer-token';
import { UnauthorizedError } from '../../../functions/domain/errors';

const T0 = Date.parse('2026-05-04T09:00:00.000Z');

/** A verifier that accepts tokens named in `valid` and counts what it checks. */
function countingVerifier(valid: Record<string, JWTPayload>) {
  const checked: string[] = [];
  const verifier: BearerVerifier = {
    async verify(token) {
      checked.push(token);
      const payload = valid[token];
      if (!payload) throw new UnauthorizedError('bad token');
      return payload;
    },
  };
  return { verifier, checked };
}

describe('cachingVerifier', () => {
  it('checks a good token once and answers repeats from memory', async () => {
    const payload = { sub: 'alice', exp: T0 / 1000 + 3600 };
    const { verifier, checked } = countingVerifier({ good: payload });
    let now = T0;
    const cached = cachingVerifier(verifier, () => now);

    expect(await cached.verify('good')).toEqual(payload);
    now += 60_000;
    expect(await cached.verify('good')).toEqual(payload);
    expect(checked).toEqual(['good']);

    now = T0 + AUTHORIZER_CACHE_TTL_MS;
    await cached.verify('good');
    expect(checked).toEqual(['good', 'good']);
  });

  it('never answers from memory past the token’s expiry', async () => {
    const { verifier, checked } = countingVerifier({ short: { sub: 'a', exp: T0 / 1000 + 10 } });
    let now = T0;
    const cached = cachingVerifier(verifier, () => now);
    await cached.verify('short');

    now = T0 + 10_000;
    await cached.verify('short');
    expect(checked).toEqual(['short', 'short']);
  });

  it('does not remember a token that failed', async () => {
    const { verifier, checked } = countingVerifier({});
    const cached = cachingVerifier(verifier, () => T0);
    await expect(cached.verify('forged')).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(cached.verify('forged')).rejects.toBeInstanceOf(UnauthorizedError);
    expect(checked).toEqual(['forged', 'forged']);
  });
});
