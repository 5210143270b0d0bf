import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, it } from 'vitest';
import { STAFF_GROUPS } from '../../functions/domain/principal';
import { serviceDeskTemplate } from './synth';

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

  it('has a public app client for the staff pages: SRP sign-in, no secret, no OAuth', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AllowedOAuthFlowsUserPoolClient: false,
      PreventUserExistenceErrors: 'ENABLED',
    });
  });
});
