import { Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { STAFF_GROUPS } from '../../functions/domain/principal';
import { STAFF_PAGES } from '../../lib/service-desk-site';
import { STAFF_OAUTH_SCOPES, StaffUserPool } from '../../lib/staff-user-pool';
import { serviceDeskTemplate, testApp } from './synth';

describe('the staff user pool', () => {
  let template: Template;
  beforeAll(() => {
    template = serviceDeskTemplate();
  });

  it.each(STAFF_GROUPS)('has the group %s', (groupName) => {
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
      GroupName: groupName,
      UserPoolId: { Ref: Match.stringLikeRegexp('^StaffUserPool') },
    });
  });

  it('has exactly the staff groups', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolGroup', STAFF_GROUPS.length);
  });

  it('lets only admins create accounts, requires TOTP MFA and strong passwords', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
  });

  it('keeps the staff accounts when the stack goes', () => {
    template.hasResource('AWS::Cognito::UserPool', {
      Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
      DeletionPolicy: 'Retain',
    });
  });

  it('has a public app client for the staff pages: hosted UI with the code flow, no secret', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: STAFF_OAUTH_SCOPES.map((scope) => scope.scopeName),
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('sends staff back to exactly the staff pages on the site, after sign-in and sign-out', () => {
    const pages = STAFF_PAGES.map((page) => ({
      'Fn::Join': [
        '',
        [
          'https://',
          { 'Fn::GetAtt': [Match.stringLikeRegexp('^SiteDistribution'), 'DomainName'] },
          page,
        ],
      ],
    }));
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: pages,
      LogoutURLs: pages,
    });
  });

  it('has a hosted UI domain named after the account, unless a prefix is configured', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['', ['servicedesk-', { Ref: 'AWS::AccountId' }]] },
      UserPoolId: { Ref: Match.stringLikeRegexp('^StaffUserPool') },
    });
  });

  it('has its pages client once, and only once the pages are known', () => {
    const stack = new Stack(testApp(), 'PoolTest');
    const staff = new StaffUserPool(stack, 'Staff');
    expect(() => staff.client).toThrow(/no client yet/);
    expect(() => staff.addPagesClient([])).toThrow(/needs the pages URLs/);
    const client = staff.addPagesClient(['https://desk.acme.internal/console.html']);
    expect(staff.client).toBe(client);
    expect(() => staff.addPagesClient(['https://desk.acme.internal/console.html'])).toThrow(
      /already has/,
    );
  });
});
