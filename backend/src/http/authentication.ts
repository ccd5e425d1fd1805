import type { RequestHandler, Response } from 'express';
import { AppError, CSRF_HEADER } from '@pairpad/protocol';
import type { Authenticated, IdentityService, MemberRecord } from '../identity';
import { readAuthCookie } from './auth-cookie';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Reads the auth cookie on every request and keeps who is signed in (`authOf`). Every write
 * (POST/PUT/PATCH/DELETE):
 * - with an Origin header must come from one of the client origins (CORS stops a foreign page
 *   from reading answers, not from sending a form or a simple POST; this stops the sending);
 * - made with a valid auth cookie must carry the session's CSRF token in `x-csrf-token`: SameSite
 *   alone leaves same-site subdomains and old browsers.
 * A cookie that names no live session (forged, expired, signed out) counts as no cookie.
 */
export function authentication(identity: IdentityService, clientOrigins: readonly string[]): RequestHandler {
  return async (request, response, next) => {
    const safe = SAFE_METHODS.has(request.method);
    const origin = request.get('origin');
    if (!safe && origin !== undefined && !clientOrigins.includes(origin)) {
      throw new AppError('CSRF_TOKEN_INVALID', 'This request came from a page this server does not serve.');
    }
    const auth = await identity.authenticate(readAuthCookie(request.get('cookie')));
    response.locals.auth = auth;
    if (auth && !safe && !identity.csrfMatches(auth.session, request.get(CSRF_HEADER))) {
      throw new AppError('CSRF_TOKEN_INVALID', `Send the CSRF token from GET /api/auth/me in the ${CSRF_HEADER} header.`);
    }
    next();
  };
}

/** Who is signed in on this request (set by `authentication`), or null. */
export function authOf(response: Response): Authenticated | null {
  return (response.locals.auth as Authenticated | null | undefined) ?? null;
}

/** The signed-in member, or SIGN_IN_REQUIRED. */
export function requireMember(response: Response): MemberRecord {
  const auth = authOf(response);
  if (!auth) throw new AppError('SIGN_IN_REQUIRED', 'Sign in as a member of the team to do this.');
  return auth.member;
}

/** The signed-in admin, or SIGN_IN_REQUIRED / FORBIDDEN. */
export function requireAdmin(response: Response): MemberRecord {
  const member = requireMember(response);
  if (member.role !== 'admin') throw new AppError('FORBIDDEN', 'Only an admin of the team can do this.');
  return member;
}
