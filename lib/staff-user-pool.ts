import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { STAFF_GROUPS } from '../functions/domain/principal';

/** Options for {@link StaffUserPool}. */
export interface StaffUserPoolProps {
  /**
   * What happens to the pool (staff accounts and their MFA) when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Staff sign-in: a Cognito user pool for agents, finance and admins, with one group per
 * `STAFF_GROUPS` entry (the `cognito:groups` claim the handlers check) and an app client
 * for the staff pages. Accounts are created by admins only; TOTP MFA is required.
 */
export class StaffUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  /** The pool's token issuer, `https://cognito-idp.<region>.amazonaws.com/<poolId>`. */
  readonly issuer: string;
  /** Where the pool publishes the keys its tokens are signed with. */
  readonly jwksUrl: string;

  constructor(scope: Construct, id: string, props: StaffUserPoolProps = {}) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      // Staff accounts can read every customer's tickets: threat protection (compromised
      // credentials, risky sign-ins) costs cents per staff member and month.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    STAFF_GROUPS.forEach((groupName, precedence) => {
      this.userPool.addGroup(`${groupName.charAt(0).toUpperCase()}${groupName.slice(1)}Group`, {
        groupName,
        precedence,
        description: `Service desk ${groupName}`,
      });
    });

    this.client = this.userPool.addClient('ConsoleClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    const stack = Stack.of(this);
    this.issuer = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.userPool.userPoolId}`;
    this.jwksUrl = `${this.issuer}/.well-known/jwks.json`;
  }
}
