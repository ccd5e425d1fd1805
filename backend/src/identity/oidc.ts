/**
 * OpenID Connect sign-in for interviewers: the authorization-code flow with PKCE (S256), state
 * and nonce, against any provider that publishes discovery metadata (Google, Okta, Entra ID,
 * Keycloak). Knows nothing of Express: `begin` answers where to send the browser and the
 * transaction cookie to set; `complete` takes the callback URL and that cookie and answers the
 * member to start a session for, or throws an AppError with an `OIDC_*` code (ACCOUNT_DISABLED
 * for a disabled member).
 */
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { AppError } from '@pairpad/protocol';
import { OidcDiscovery, type OidcClientSettings } from './oidc-discovery';
import {
  assertAllowed,
  linkMember,
  type OidcAccessPolicy,
  type OidcIdentity,
  type OidcMember,
  type OidcMemberDirectory,
} from './oidc-members';
import { OIDC_TRANSACTION_TTL_MS, OidcTransactionSealer, safeReturnTo, type OidcTransaction } from './oidc-transaction';
import { safeEqual } from './tokens';

export { OIDC_TRANSACTION_COOKIE, OIDC_TRANSACTION_TTL_MS, safeReturnTo } from './oidc-transaction';
export type { OidcMember, OidcMemberDirectory } from './oidc-members';

export interface OidcSettings extends OidcClientSettings, OidcAccessPolicy {
  /** Button text: "Sign in with <label>". */
  label: string;
  /** Space-separated scopes; `openid` is added when missing. */
  scopes: string;
  /** Unset: the callback on the host the browser used to reach `start` (see oidc-routes). */
  redirectUrl?: string;
}

export interface OidcSignInOptions {
  settings: OidcSettings;
  members: OidcMemberDirectory;
  /** Seals the transaction cookie; the same secret on every node. */
  transactionSecret: Buffer | string;
  logger?: { warn(message: string, meta?: object): void };
  now?: () => number;
  /** Tests shorten discovery's timeouts and pauses. */
  discovery?: ConstructorParameters<typeof OidcDiscovery>[1];
}

export interface OidcStart {
  authorizationUrl: string;
  /** The sealed transaction for the `pairpad_oidc` cookie. */
  transaction: string;
}

export interface OidcCompletion {
  member: OidcMember;
  returnTo: string;
}

export class OidcSignIn {
  readonly label: string;
  private readonly discovery: OidcDiscovery;
  private readonly sealer: OidcTransactionSealer;
  private readonly now: () => number;

  constructor(private readonly options: OidcSignInOptions) {
    this.label = options.settings.label;
    this.now = options.now ?? Date.now;
    this.sealer = new OidcTransactionSealer(options.transactionSecret, this.now);
    this.discovery = new OidcDiscovery(options.settings, {
      ...options.discovery,
      onFailure: (error, retryInMs) =>
        options.logger?.warn(`OpenID provider discovery failed; sign-ins retry it after ${retryInMs} ms`, {
          issuer: options.settings.issuer,
          error: describe(error),
        }),
    });
  }

  /** Fetches the provider's metadata in the background (start-up must not wait on another service). */
  warmUp(): void {
    this.discovery.warmUp();
  }

  /** `redirectUri`: the callback URL the route derived when OIDC_REDIRECT_URL is unset. */
  async begin(input: { returnTo?: unknown; redirectUri: string }): Promise<OidcStart> {
    const configuration = await this.discovery.get();
    const redirectUri = this.options.settings.redirectUrl ?? input.redirectUri;
    const transaction: OidcTransaction = {
      id: randomBytes(16).toString('base64url'),
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
      redirectUri,
      returnTo: safeReturnTo(input.returnTo),
      expiresAt: this.now() + OIDC_TRANSACTION_TTL_MS,
    };
    const authorizationUrl = client.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: scopesOf(this.options.settings.scopes),
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(transaction.codeVerifier),
      code_challenge_method: 'S256',
      state: transaction.state,
      nonce: transaction.nonce,
    });
    return { authorizationUrl: authorizationUrl.href, transaction: this.sealer.seal(transaction) };
  }

  /** Checks the provider's answer, reads who signed in, and finds (or makes) their member. */
  async complete(input: { callbackUrl: URL; transaction: string | undefined }): Promise<OidcCompletion> {
    const transaction = this.sealer.open(input.transaction);
    if (!transaction)
      throw new AppError('OIDC_STATE_MISMATCH', 'This sign-in expired or was started in another browser; please start again.');
    const params = input.callbackUrl.searchParams;
    if (!safeEqual(params.get('state') ?? '', transaction.state)) {
      throw new AppError(
        'OIDC_STATE_MISMATCH',
        'This sign-in answer does not belong to the sign-in this browser started; please start again.',
      );
    }
    const error = params.get('error');
    if (error) {
      this.options.logger?.warn('the OpenID provider answered the sign-in with an error', {
        error,
        description: params.get('error_description'),
      });
      throw error === 'access_denied'
        ? new AppError('OIDC_CANCELLED', 'Sign-in was cancelled or refused at your single sign-on provider.')
        : new AppError('OIDC_FAILED', 'Your single sign-on provider could not sign you in.');
    }
    const configuration = await this.discovery.get();
    const identity = await this.exchange(configuration, transaction, params);
    assertAllowed(identity, this.options.settings);
    return { member: await linkMember(identity, this.options.members, this.options.settings), returnTo: transaction.returnTo };
  }

  /** Code → tokens (PKCE verifier, state, nonce and the ID token checked) → userinfo. */
  private async exchange(
    configuration: client.Configuration,
    transaction: OidcTransaction,
    params: URLSearchParams,
  ): Promise<OidcIdentity> {
    // openid-client sends the callback URL without its query as redirect_uri: it must be the
    // one the authorization request named, whatever host or proxy this request came through.
    const callback = new URL(transaction.redirectUri);
    callback.search = params.toString();
    try {
      const tokens = await client.authorizationCodeGrant(configuration, callback, {
        pkceCodeVerifier: transaction.codeVerifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims()!;
      // The ID token often carries only sub (oidc-provider, Google without claims): the email,
      // its verification and the groups come from userinfo, which must be about the same sub.
      const userinfo = await client.fetchUserInfo(configuration, tokens.access_token, idToken.sub);
      const claims: Record<string, unknown> = { ...idToken, ...userinfo };
      return {
        issuer: idToken.iss,
        subject: idToken.sub,
        email: typeof claims.email === 'string' && claims.email.includes('@') ? claims.email.trim().toLowerCase() : null,
        // Some providers send the boolean as a string.
        emailVerified: claims.email_verified === true || claims.email_verified === 'true',
        name: typeof claims.name === 'string' ? claims.name : null,
        groups: groupsOf(claims.groups),
      };
    } catch (error) {
      throw this.toAppError(error);
    }
  }

  private toAppError(error: unknown): AppError {
    if (error instanceof AppError) return error;
    this.options.logger?.warn('OpenID sign-in failed', { issuer: this.options.settings.issuer, error: describe(error) });
    if (error instanceof client.ResponseBodyError && error.error === 'invalid_grant') {
      return new AppError('OIDC_CODE_INVALID', 'This sign-in link was already used or has expired; please sign in again.');
    }
    // fetch rejects with a TypeError when the provider cannot be reached at all.
    if (error instanceof TypeError || (error instanceof Error && error.name === 'TimeoutError')) {
      return new AppError(
        'OIDC_UNAVAILABLE',
        'The single sign-on provider cannot be reached right now; try again shortly or sign in with your password.',
      );
    }
    return new AppError('OIDC_FAILED', "Your single sign-on provider's answer could not be verified; please try again.");
  }
}

function scopesOf(scopes: string): string {
  const list = scopes.split(/[\s,]+/).filter(Boolean);
  return (list.includes('openid') ? list : ['openid', ...list]).join(' ');
}

function groupsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((group): group is string => typeof group === 'string') : [];
}

/** For the log: the library's code and message, never tokens. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return [error.name, typeof code === 'string' ? code : null, error.message, cause && typeof cause.code === 'string' ? cause.code : null]
    .filter(Boolean)
    .join(': ');
}
