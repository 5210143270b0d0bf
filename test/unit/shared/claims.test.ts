import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../../functions/domain/errors';
import {
  groupsOf,
  principalFromClaims,
  staffPrincipal,
  type TokenExpectations,
} from '../../../functions/shared/claims';

describe('groupsOf', () => {
  it('reads a JSON array of group names, as a verified token carries it', () => {
    expect(groupsOf(['agents', 'finance', 'admins'])).toEqual(['agents', 'finance', 'admins']);
  });

  it('never splits a string: a list in one string is one unknown group (SPEC §14)', () => {
    expect(groupsOf(['agents,admins'])).toEqual([]);
    expect(groupsOf(['agents admins'])).toEqual([]);
    expect(groupsOf('agents,admins')).toEqual([]);
    expect(groupsOf('[agents admins]')).toEqual([]);
    expect(groupsOf('admins')).toEqual([]);
  });

  it('keeps only known groups, spelled exactly', () => {
    expect(groupsOf(['admins', 'superusers', 'Agents', ' finance'])).toEqual(['admins']);
  });

  it('drops array entries that are not strings', () => {
    expect(groupsOf(['agents', 7, null, { name: 'admins' }, ['finance']])).toEqual(['agents']);
  });

  it.each([
    ['an empty string', ''],
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a boolean', true],
    ['an object', { agents: true }],
    ['an empty array', []],
  ])('gives no groups for %s', (_label, claim) => {
    expect(groupsOf(claim)).toEqual([]);
  });
});

describe('principalFromClaims', () => {
  it('prefers cognito:username over username and sub', () => {
    expect(
      principalFromClaims({
        'cognito:username': 'alice',
        username: 'alice-access-token-name',
        sub: '6f1c0b6e-uuid',
        'cognito:groups': ['agents'],
      }),
    ).toEqual({ kind: 'staff', sub: 'alice', groups: ['agents'] });
  });

  it('falls back to username (access tokens), then to sub', () => {
    expect(principalFromClaims({ username: 'bob', sub: 'uuid-b' })).toEqual({
      kind: 'staff',
      sub: 'bob',
      groups: [],
    });
    expect(principalFromClaims({ sub: 'uuid-c', 'cognito:groups': ['finance'] })).toEqual({
      kind: 'staff',
      sub: 'uuid-c',
      groups: ['finance'],
    });
  });

  it('is undefined when the claims name no subject', () => {
    expect(principalFromClaims(undefined)).toBeUndefined();
    expect(principalFromClaims({})).toBeUndefined();
    expect(principalFromClaims({ 'cognito:groups': ['agents'] })).toBeUndefined();
    expect(principalFromClaims({ sub: '' })).toBeUndefined();
    expect(principalFromClaims({ sub: 42 })).toBeUndefined();
  });
});

describe('staffPrincipal', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');
  const expectations: TokenExpectations = {
    issuer: 'https://cognito-idp.eu-central-1.amazonaws.com/pool',
    clientId: 'pages-client',
    now,
  };
  const idToken = {
    sub: 'uuid-a',
    'cognito:username': 'alice',
    'cognito:groups': ['agents'],
    iss: expectations.issuer,
    aud: 'pages-client',
    token_use: 'id',
    exp: now / 1000 + 3600,
  };
  const refused = (claims: Record<string, unknown>) => () => staffPrincipal(claims, expectations);

  it('accepts an ID token of our client and an access token of our client', () => {
    expect(staffPrincipal(idToken, expectations)).toEqual({
      kind: 'staff',
      sub: 'alice',
      groups: ['agents'],
    });
    const { aud: _aud, 'cognito:username': _name, ...rest } = idToken;
    expect(
      staffPrincipal(
        { ...rest, username: 'alice', token_use: 'access', client_id: 'pages-client' },
        expectations,
      ),
    ).toMatchObject({ sub: 'alice', groups: ['agents'] });
  });

  it.each<[string, Record<string, unknown>]>([
    ['without exp', { ...idToken, exp: undefined }],
    ['with a string exp', { ...idToken, exp: String(now / 1000 + 3600) }],
    ['expired', { ...idToken, exp: now / 1000 - 1 }],
    ['of another issuer', { ...idToken, iss: 'https://evil.example' }],
    ['without aud', { ...idToken, aud: undefined }],
    ['of another client', { ...idToken, aud: 'other-client' }],
    ['without token_use', { ...idToken, token_use: undefined }],
    ['of an unknown use', { ...idToken, token_use: 'refresh' }],
    ['an access token of another client', { ...idToken, token_use: 'access', client_id: 'x' }],
    ['an access token with only aud', { ...idToken, token_use: 'access' }],
    ['naming nobody', { ...idToken, sub: undefined, 'cognito:username': undefined }],
  ])('refuses a token %s (401)', (_label, claims) => {
    expect(refused(claims)).toThrow(UnauthorizedError);
  });

  it('reads a groups string as no groups (then the route answers 403)', () => {
    expect(staffPrincipal({ ...idToken, 'cognito:groups': 'agents,admins' }, expectations)).toEqual(
      { kind: 'staff', sub: 'alice', groups: [] },
    );
  });
});
