import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { isStaffGroup, type StaffGroup } from '../../functions/domain/principal';

/** The app client id local tokens are issued for (`aud`), as the pages' client in Cognito. */
export const LOCAL_CLIENT_ID = 'servicedesk-local-pages';

/**
 * The local stand-in for Cognito: an RS256 key kept in the data folder, a JWKS endpoint,
 * and tokens shaped like Cognito ID tokens (`cognito:groups` as a list, `cognito:username`,
 * `token_use: id`, `aud` the client, `iss`, `exp`).
 */
export interface LocalIssuer {
  issuer: string;
  jwks: { keys: JWK[] };
  issue(sub: string, groups: StaffGroup[], lifetimeSeconds?: number): Promise<string>;
}

export async function loadLocalIssuer(keyFile: string, issuer: string): Promise<LocalIssuer> {
  let privateJwk: JWK;
  if (existsSync(keyFile)) {
    privateJwk = JSON.parse(readFileSync(keyFile, 'utf8')) as JWK;
  } else {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    privateJwk = { ...(await exportJWK(privateKey)), kid: `local-${Date.now()}`, alg: 'RS256' };
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, JSON.stringify(privateJwk), { mode: 0o600 });
  }
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  const privateKey = await importJWK(privateJwk, 'RS256');
  return {
    issuer,
    jwks: { keys: [{ ...publicJwk, use: 'sig' }] },
    issue: (sub, groups, lifetimeSeconds = 12 * 60 * 60) =>
      new SignJWT({ 'cognito:groups': groups, 'cognito:username': sub, token_use: 'id' })
        .setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid ?? 'local', typ: 'JWT' })
        .setSubject(sub)
        .setIssuer(issuer)
        .setAudience(LOCAL_CLIENT_ID)
        .setIssuedAt()
        .setExpirationTime(`${lifetimeSeconds}s`)
        .sign(privateKey),
  };
}

/** Parses `agents,finance` into known staff groups; unknown names are reported. */
export function parseGroups(value: string): { groups: StaffGroup[]; unknown: string[] } {
  const names = value
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  return { groups: names.filter(isStaffGroup), unknown: names.filter((n) => !isStaffGroup(n)) };
}
