import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
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
  /**
   * The prefix of the hosted UI's domain, `https://<prefix>.auth.<region>.amazoncognito.com`,
   * unique in the region across all accounts.
   * @default `servicedesk-<account id>`
   */
  readonly domainPrefix?: string;
}

/** What the staff pages ask the hosted UI for: the ID token with name, mail and groups. */
export const STAFF_OAUTH_SCOPES: readonly cognito.OAuthScope[] = [
  cognito.OAuthScope.OPENID,
  cognito.OAuthScope.EMAIL,
  cognito.OAuthScope.PROFILE,
];

/**
 * Staff sign-in: a Cognito user pool for agents, finance and admins, with one group per
 * `STAFF_GROUPS` entry (the `cognito:groups` claim the handlers check), the hosted UI's
 * domain, and (once the pages' addresses are known, {@link addPagesClient}) an app client
 * for the staff pages. Accounts are created by admins only; TOTP MFA is required.
 */
export class StaffUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  /** The hosted UI (sign-in pages, OAuth endpoints) of the pool. */
  readonly domain: cognito.UserPoolDomain;
  private pagesClient?: cognito.UserPoolClient;
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

    this.domain = this.userPool.addDomain('HostedUiDomain', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? `servicedesk-${Aws.ACCOUNT_ID}` },
    });

    const stack = Stack.of(this);
    this.issuer = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.userPool.userPoolId}`;
    this.jwksUrl = `${this.issuer}/.well-known/jwks.json`;
  }

  /** The app client of the staff pages; there after {@link addPagesClient}. */
  get client(): cognito.UserPoolClient {
    if (!this.pagesClient) {
      throw new Error(`${this.node.path} has no client yet: call addPagesClient() first.`);
    }
    return this.pagesClient;
  }

  /**
   * Adds the app client of the staff pages: public (no secret; the pages cannot keep one),
   * signing in through the hosted UI with the authorization code flow (the pages add PKCE,
   * `web/src/lib/staff.ts`), back to exactly `pageUrls`, which are also where sign-out
   * returns to; SRP sign-in stays open for scripts. Tokens last an hour; refresh tokens 12
   * hours (a shift).
   */
  addPagesClient(pageUrls: readonly string[]): cognito.UserPoolClient {
    if (this.pagesClient) throw new Error(`${this.node.path} already has its pages client.`);
    if (pageUrls.length === 0) throw new Error('The staff pages client needs the pages URLs.');
    this.pagesClient = this.userPool.addClient('ConsoleClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [...STAFF_OAUTH_SCOPES],
        callbackUrls: [...pageUrls],
        logoutUrls: [...pageUrls],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    return this.pagesClient;
  }
}
