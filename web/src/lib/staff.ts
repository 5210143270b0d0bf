import { ApiError, call, type CallOptions } from './api';
import { announce, busy, byId } from './dom';
import { clearFieldErrors, showFieldErrors } from './field-errors';
import type { CognitoAuthConfig, SiteConfig } from './site-config';

/**
 * Sign-in for the staff pages (console, finance, admin), pluggable by `/config.json`:
 * locally a name field that fetches a token from the local stack's `/_local/token`; in
 * AWS the Cognito hosted UI (authorization code flow with PKCE). The token lives in this
 * tab's sessionStorage; an expired or refused token signs the page out.
 */
export type StaffGroup = 'agents' | 'finance' | 'admins' | 'sales';

export interface StaffSession {
  token: string;
  name: string;
  groups: string[];
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface StaffPage {
  session(): StaffSession | undefined;
  /** Calls the API with the session's token; a 401 signs the page out. */
  call<T>(path: string, options?: CallOptions): Promise<T | undefined>;
  signOut(reason?: string): void;
}

export interface StaffPageOptions {
  group: StaffGroup;
  /** Called with the page itself, which may not have been returned yet. */
  onSignedIn(session: StaffSession, page: StaffPage): void;
  onSignedOut(): void;
}

const storageKey = (group: StaffGroup) => `servicedesk.staff.${group}`;
const PKCE_KEY = 'servicedesk.pkce';

export async function startStaffPage(options: StaffPageOptions): Promise<StaffPage> {
  const config = await loadConfig();
  const signInSection = byId('sign-in');
  const signInMessage = byId('sign-in-message');
  const localForm = byId('sign-in-form', HTMLFormElement);
  const cognitoButton = byId('sign-in-cognito', HTMLButtonElement);
  const sessionBox = byId('session');
  const app = byId('app');
  let current: StaffSession | undefined;
  for (const link of document.querySelectorAll<HTMLAnchorElement>('.staff-nav a')) {
    if (link.pathname === location.pathname) link.setAttribute('aria-current', 'page');
  }
  let expiryTimer: ReturnType<typeof setTimeout> | undefined;

  const page: StaffPage = {
    session: () => current,
    call: async <T>(path: string, callOptions: CallOptions = {}) => {
      if (!current) throw new ApiError(401, unauthorized('Please sign in.'));
      try {
        return await call<T>(path, { ...callOptions, token: current.token });
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          page.signOut('Your session has ended. Please sign in again.');
        }
        throw error;
      }
    },
    signOut: (reason) => {
      const wasCognito = config.auth === 'cognito' && current && !reason;
      current = undefined;
      clearTimeout(expiryTimer);
      sessionStorage.removeItem(storageKey(options.group));
      showSignedOut(reason);
      options.onSignedOut();
      if (wasCognito) location.assign(cognitoLogoutUrl(config));
    },
  };

  const signedIn = (session: StaffSession) => {
    if (!session.groups.includes(options.group)) {
      showSignedOut(
        `${session.name} is not in the group “${options.group}”, which this page needs.`,
      );
      return;
    }
    current = session;
    sessionStorage.setItem(storageKey(options.group), JSON.stringify(session));
    clearTimeout(expiryTimer);
    expiryTimer = setTimeout(
      () => page.signOut('Your session has ended. Please sign in again.'),
      Math.max(0, Math.min(session.expiresAt - Date.now(), 2 ** 31 - 1)),
    );
    byId('session-name').textContent = `Signed in as ${session.name}`;
    sessionBox.hidden = false;
    signInSection.hidden = true;
    app.hidden = false;
    options.onSignedIn(session, page);
  };

  function showSignedOut(reason?: string) {
    sessionBox.hidden = true;
    app.hidden = true;
    signInSection.hidden = false;
    announce(signInMessage, reason ?? '', 'error');
    localForm.hidden = config.auth !== 'local';
    cognitoButton.hidden = config.auth !== 'cognito';
  }

  byId('sign-out', HTMLButtonElement).addEventListener('click', () => page.signOut());

  localForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const summary = byId('sign-in-errors');
    clearFieldErrors(localForm, summary);
    const sub = String(new FormData(localForm).get('sub') ?? '').trim();
    const button = localForm.querySelector('button') as HTMLButtonElement;
    void busy(button, async () => {
      try {
        const answer = await call<{ token: string }>(
          `/_local/token?sub=${encodeURIComponent(sub)}&groups=${options.group}`,
        );
        if (answer) signedIn(sessionOf(answer.token));
      } catch (error) {
        if (error instanceof ApiError) {
          showFieldErrors(localForm, error.problem, {
            summary,
            heading: 'Sign-in did not work:',
          });
        } else throw error;
      }
    });
  });

  cognitoButton.addEventListener('click', () => {
    if (config.auth === 'cognito') void beginCognitoSignIn(config);
  });

  const restored = await restoreSession(config, options.group);
  if (restored) signedIn(restored);
  else showSignedOut();
  return page;
}

async function loadConfig(): Promise<SiteConfig> {
  try {
    const config = await call<SiteConfig>('/config.json');
    if (config) return config;
  } catch {
    // Fall through: without a configuration the local sign-in is the only one there is.
  }
  return { auth: 'local' };
}

async function restoreSession(
  config: SiteConfig,
  group: StaffGroup,
): Promise<StaffSession | undefined> {
  if (config.auth === 'cognito') {
    const fromRedirect = await completeCognitoSignIn(config);
    if (fromRedirect) return fromRedirect;
  }
  try {
    const stored = sessionStorage.getItem(storageKey(group));
    const session = stored ? (JSON.parse(stored) as StaffSession) : undefined;
    return session && session.expiresAt > Date.now() + 30_000 ? session : undefined;
  } catch {
    return undefined;
  }
}

/** Reads name, groups and expiry from the token (checked by the API, not here). */
export function sessionOf(token: string): StaffSession {
  const payload = token.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
  const claims = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  const groups = claims['cognito:groups'];
  return {
    token,
    name: String(claims['cognito:username'] ?? claims.email ?? claims.sub ?? 'unknown'),
    groups: Array.isArray(groups)
      ? groups.map(String)
      : typeof groups === 'string'
        ? groups.split(',')
        : [],
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : Date.now() + 3600_000,
  };
}

function unauthorized(detail: string) {
  return { type: 'about:blank', title: 'Unauthorized', status: 401, detail };
}

// Cognito hosted UI: authorization code flow with PKCE (no client secret in a page).

function redirectUri(): string {
  return `${location.origin}${location.pathname}`;
}

async function beginCognitoSignIn(config: CognitoAuthConfig): Promise<void> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, hash: location.hash }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.cognito.clientId,
    redirect_uri: redirectUri(),
    scope: (config.cognito.scopes ?? ['openid', 'email', 'profile']).join(' '),
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  location.assign(`${config.cognito.domain}/oauth2/authorize?${query}`);
}

async function completeCognitoSignIn(config: CognitoAuthConfig): Promise<StaffSession | undefined> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const stored = sessionStorage.getItem(PKCE_KEY);
  if (!code || !stored) return undefined;
  sessionStorage.removeItem(PKCE_KEY);
  const pkce = JSON.parse(stored) as { verifier: string; state: string; hash: string };
  history.replaceState(null, '', `${location.pathname}${pkce.hash}`);
  if (params.get('state') !== pkce.state) return undefined;
  const response = await fetch(`${config.cognito.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.cognito.clientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: pkce.verifier,
    }),
  });
  if (!response.ok) return undefined;
  // API Gateway's Cognito authorizer takes the ID token, which carries `cognito:groups`.
  const { id_token: idToken } = (await response.json()) as { id_token?: string };
  return idToken ? sessionOf(idToken) : undefined;
}

function cognitoLogoutUrl(config: SiteConfig): string {
  if (config.auth !== 'cognito') return location.pathname;
  const query = new URLSearchParams({
    client_id: config.cognito.clientId,
    logout_uri: redirectUri(),
  });
  return `${config.cognito.domain}/logout?${query}`;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
