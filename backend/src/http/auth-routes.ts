import { Router, type Request, type Response } from 'express';
import {
  AcceptInviteBodySchema,
  ResetPasswordBodySchema,
  SetupBodySchema,
  SignInBodySchema,
  parseOrThrow,
  type AuthMeResponse,
  type AuthSuccess,
  type InviteInfo,
} from '@pairpad/protocol';
import { memberView, removeSetupCodeFile, type IdentityService, type MemberRecord, type NewAuthSession } from '../identity';
import { clearAuthCookie, readAuthCookie, setAuthCookie } from './auth-cookie';
import { authOf } from './authentication';
import { minuteLimiter, type LimiterStores } from './minute-limiter';

export interface AuthRoutesOptions {
  /** Shared counters for the per-minute limit (Redis across nodes); this process's memory without. */
  limiterStores?: LimiterStores | undefined;
  identity: IdentityService;
  cookieSecure: boolean;
  cookieSameSite: 'lax' | 'none';
  /** Sign-in, setup, invite and reset attempts per client address per minute. */
  attemptsPerMinute: number;
  /** Where setup-code.txt lives (removed once setup is done). */
  dataDir: string;
  /** Whether OpenID Connect sign-in is configured, and its button's label. */
  oidc: { enabled: boolean; label: string };
}

/** The `:token` of an invite or reset link (the service refuses anything malformed as invalid). */
function tokenParam(request: Request): string {
  const token = request.params.token;
  return typeof token === 'string' ? token : '';
}

/** `/api/auth/*`: who am I, first-run setup, sign-in/out, invites and reset links. */
export function authRoutes(options: AuthRoutesOptions): Router {
  const { identity } = options;
  const router = Router();
  // Lockout protects one account; this protects all of them from one address guessing widely.
  const attemptLimiter = minuteLimiter({
    name: 'sign-in',
    limit: options.attemptsPerMinute,
    refusal: 'Too many sign-in attempts from this address; try again in a minute.',
    stores: options.limiterStores,
  });
  const signedIn = (response: Response, status: number, member: MemberRecord, session: NewAuthSession): void => {
    setAuthCookie(response, session.cookieValue, {
      secure: options.cookieSecure,
      sameSite: options.cookieSameSite,
      maxAgeMs: session.expiresAt - Date.now(),
    });
    const body: AuthSuccess = { member: memberView(member), csrfToken: session.csrfToken };
    response.status(status).set('Cache-Control', 'no-store').json(body);
  };

  router.get('/api/auth/me', async (_request, response) => {
    const auth = authOf(response);
    const body: AuthMeResponse = {
      member: auth ? memberView(auth.member) : null,
      csrfToken: auth ? auth.session.csrfToken : null,
      setupRequired: auth ? false : await identity.setupRequired(),
      oidc: options.oidc,
    };
    response.set('Cache-Control', 'no-store').json(body);
  });

  router.post('/api/auth/setup', attemptLimiter, async (request, response) => {
    const body = parseOrThrow(SetupBodySchema, request.body ?? {}, 'setup');
    const { member, session } = await identity.completeSetup(body);
    await removeSetupCodeFile(options.dataDir);
    signedIn(response, 201, member, session);
  });

  router.post('/api/auth/sign-in', attemptLimiter, async (request, response) => {
    const body = parseOrThrow(SignInBodySchema, request.body ?? {}, 'sign-in');
    const { member, session } = await identity.signIn(body.email, body.password);
    // A cookie of an earlier session in this browser ends here: one browser, one session.
    await identity.signOut(readAuthCookie(request.get('cookie')));
    signedIn(response, 200, member, session);
  });

  router.post('/api/auth/sign-out', async (request, response) => {
    await identity.signOut(readAuthCookie(request.get('cookie')));
    clearAuthCookie(response, { secure: options.cookieSecure, sameSite: options.cookieSameSite });
    response.status(204).end();
  });

  router.get('/api/auth/invites/:token', attemptLimiter, async (request, response) => {
    const info: InviteInfo = await identity.inviteInfo(tokenParam(request));
    response.set('Cache-Control', 'no-store').json(info);
  });

  router.post('/api/auth/invites/:token', attemptLimiter, async (request, response) => {
    const body = parseOrThrow(AcceptInviteBodySchema, request.body ?? {}, 'invite');
    const { member, session } = await identity.acceptInvite(tokenParam(request), body);
    signedIn(response, 201, member, session);
  });

  router.post('/api/auth/reset/:token', attemptLimiter, async (request, response) => {
    const body = parseOrThrow(ResetPasswordBodySchema, request.body ?? {}, 'password reset');
    await identity.resetPassword(tokenParam(request), body.password);
    response.status(204).end();
  });

  return router;
}
