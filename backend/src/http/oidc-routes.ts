import { Router, type Request, type Response } from 'express';
import { parseCookie, stringifySetCookie } from 'cookie';
import { AppError, type ErrorCode } from '@pairpad/protocol';
import type { IdentityService } from '../identity';
import { OIDC_TRANSACTION_COOKIE, OIDC_TRANSACTION_TTL_MS, type OidcSignIn } from '../identity/oidc';
import { readAuthCookie, setAuthCookie } from './auth-cookie';
import { minuteLimiter, type LimiterStores } from './minute-limiter';

export const OIDC_START_PATH = '/api/auth/oidc/start';
export const OIDC_CALLBACK_PATH = '/api/auth/oidc/callback';
/** The transaction cookie goes only to the two OIDC routes. */
const COOKIE_PATH = '/api/auth/oidc';

export interface OidcRoutesOptions {
  /** Shared counters for the per-minute limit (Redis across nodes); this process's memory without. */
  limiterStores?: LimiterStores | undefined;
  /** Null when OIDC_ISSUER / OIDC_CLIENT_ID are unset: both routes answer OIDC_DISABLED. */
  oidc: OidcSignIn | null;
  /** The frontend's base URL: where the browser goes back to. */
  publicUrl: string;
  identity: IdentityService;
  /** The auth and transaction cookies' Secure flag (AUTH_COOKIE_SECURE). */
  cookieSecure: boolean;
  /** The auth cookie's SameSite (AUTH_COOKIE_SAMESITE); the transaction cookie is always Lax. */
  cookieSameSite?: 'lax' | 'none';
  /** Starts and callbacks one client address may make per minute (SIGN_IN_ATTEMPTS_PER_MINUTE_PER_IP). */
  attemptsPerMinute: number;
  logger: { info(message: string, meta?: object): void; warn(message: string, meta?: object): void };
}

/**
 * `GET /api/auth/oidc/start?returnTo=/path` and `GET /api/auth/oidc/callback`: browser
 * navigations, so every answer is a 302: to the provider, to the frontend path the sign-in
 * started from, or to `/sign-in?error=CODE` (the page shows the message for the code).
 */
export function oidcRoutes(options: OidcRoutesOptions): Router {
  const router = Router();
  const toSignIn = (response: Response, error: unknown): void => {
    const code: ErrorCode = error instanceof AppError ? error.code : 'OIDC_FAILED';
    if (!(error instanceof AppError))
      options.logger.warn('OpenID sign-in failed unexpectedly', { error: error instanceof Error ? error.stack : String(error) });
    response.redirect(302, `${options.publicUrl}/sign-in?error=${encodeURIComponent(code)}`);
  };
  // Each callback with a code costs a request to the provider: one address cannot make us flood it.
  const attemptLimiter = minuteLimiter({
    name: 'oidc',
    limit: options.attemptsPerMinute,
    refusal: 'Too many sign-in attempts from this address; try again in a minute.',
    stores: options.limiterStores,
    onRefused: toSignIn,
  });
  const transactionCookie = (value: string, maxAgeMs: number): string =>
    stringifySetCookie(OIDC_TRANSACTION_COOKIE, value, {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.cookieSecure,
      path: COOKIE_PATH,
      maxAge: Math.floor(maxAgeMs / 1000),
    });

  router.get(OIDC_START_PATH, attemptLimiter, async (request, response) => {
    response.set('Cache-Control', 'no-store');
    try {
      const oidc = requireOidc(options.oidc);
      const start = await oidc.begin({ returnTo: request.query.returnTo, redirectUri: callbackUrlOf(request) });
      // SameSite=Lax: the provider's redirect back is a top-level GET, which carries it (even
      // with the frontend on another site: the callback is on the backend's).
      response.append('Set-Cookie', transactionCookie(start.transaction, OIDC_TRANSACTION_TTL_MS));
      response.redirect(302, start.authorizationUrl);
    } catch (error) {
      toSignIn(response, error);
    }
  });

  router.get(OIDC_CALLBACK_PATH, attemptLimiter, async (request, response) => {
    response.set('Cache-Control', 'no-store');
    // Single use: whatever happens next, this browser's transaction is spent.
    response.append('Set-Cookie', transactionCookie('', 0));
    try {
      const oidc = requireOidc(options.oidc);
      const transaction = parseCookie(request.get('cookie') ?? '')[OIDC_TRANSACTION_COOKIE];
      // Only the query is read from this URL; its origin is a placeholder.
      const callbackUrl = new URL(request.originalUrl, 'http://callback.invalid');
      const { member, returnTo } = await oidc.complete({ callbackUrl, transaction });
      // As a password sign-in does: an earlier session of this browser ends, one browser one session.
      await options.identity.signOut(readAuthCookie(request.get('cookie')));
      const session = await options.identity.createAuthSession(member.id);
      setAuthCookie(response, session.cookieValue, {
        secure: options.cookieSecure,
        sameSite: options.cookieSameSite ?? 'lax',
        maxAgeMs: session.expiresAt - Date.now(),
      });
      options.logger.info('member signed in through OpenID Connect', { memberId: member.id, role: member.role });
      response.redirect(302, `${options.publicUrl}${returnTo}`);
    } catch (error) {
      toSignIn(response, error);
    }
  });

  return router;
}

function requireOidc(oidc: OidcSignIn | null): OidcSignIn {
  if (!oidc) throw new AppError('OIDC_DISABLED', 'Single sign-on is not configured on this server.');
  return oidc;
}

/**
 * The callback on the backend as the browser reached `start` (Express's protocol and host,
 * behind one trusted proxy): used when OIDC_REDIRECT_URL is unset. The provider only accepts
 * it when registered, so a forged Host header gets no further than the provider's error page.
 */
function callbackUrlOf(request: Request): string {
  return `${request.protocol}://${request.get('host') ?? 'localhost'}${OIDC_CALLBACK_PATH}`;
}
