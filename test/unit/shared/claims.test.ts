import { describe, expect, it } from 'vitest';
import { groupsOf, principalFromClaims } from '../../../functions/shared/claims';

describe('groupsOf', () => {
  it('reads the REST API Cognito authorizer string "agents,finance"', () => {
    expect(groupsOf('agents,finance')).toEqual(['agents', 'finance']);
    expect(groupsOf('agents, finance')).toEqual(['agents', 'finance']);
  });

  it('reads the HTTP API string "[agents finance]"', () => {
    expect(groupsOf('[agents finance]')).toEqual(['agents', 'finance']);
    expect(groupsOf('[admins]')).toEqual(['admins']);
  });

  it('reads the array of a verified JWT', () => {
    expect(groupsOf(['agents', 'finance', 'admins'])).toEqual(['agents', 'finance', 'admins']);
  });

  it('drops groups that are not staff groups', () => {
    expect(groupsOf('agents,root,Finance')).toEqual(['agents']);
    expect(groupsOf('[support agents-eu agents]')).toEqual(['agents']);
    expect(groupsOf(['admins', 'superusers'])).toEqual(['admins']);
  });

  it('drops array entries that are not strings', () => {
    expect(groupsOf(['agents', 7, null, { name: 'admins' }, ['finance']])).toEqual(['agents']);
  });

  it.each([
    ['an empty string', ''],
    ['empty brackets', '[]'],
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a boolean', true],
    ['an object', { agents: true }],
    ['an empty array', []],
    ['punctuation', ',,, []'],
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
        'cognito:groups': 'agents',
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

  it('reads the groups in whatever form the authorizer passes them', () => {
    const principal = principalFromClaims({
      'cognito:username': 'carol',
      'cognito:groups': '[agents admins]',
    });
    expect(principal).toEqual({ kind: 'staff', sub: 'carol', groups: ['agents', 'admins'] });
  });

  it('is undefined when the claims name no subject', () => {
    expect(principalFromClaims(undefined)).toBeUndefined();
    expect(principalFromClaims({})).toBeUndefined();
    expect(principalFromClaims({ 'cognito:groups': 'agents' })).toBeUndefined();
    expect(principalFromClaims({ sub: '' })).toBeUndefined();
    expect(principalFromClaims({ sub: 42 })).toBeUndefined();
  });
});
