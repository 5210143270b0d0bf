/**
 * What the pages read from `/config.json`: how staff sign in. Locally the page server
 * writes `{"auth": "local"}` (tokens from the local stack's `/_local/token`); in AWS the
 * deployment writes the Cognito hosted UI's domain and the app client's id.
 */
export type SiteConfig = LocalAuthConfig | CognitoAuthConfig;

export interface LocalAuthConfig {
  auth: 'local';
}

export interface CognitoAuthConfig {
  auth: 'cognito';
  cognito: {
    /** The hosted UI's base URL, e.g. `https://servicedesk.auth.eu-central-1.amazoncognito.com`. */
    domain: string;
    /** The user pool app client (public, no secret; authorization code flow with PKCE). */
    clientId: string;
    /** @default ['openid', 'email', 'profile'] */
    scopes?: string[];
  };
}
