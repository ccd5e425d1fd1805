import type { Response } from 'express';
import { stringifySetCookie } from 'cookie';
import { AUTH_COOKIE_NAME } from '@pairpad/protocol';

export { readAuthCookie } from '../identity';

/**
 * Sets the auth cookie: httpOnly (scripts never see it; the page gets a separate CSRF token),
 * SameSite=Lax (not sent on cross-site subrequests, still sent when following a link to the
 * site; None only when frontend and backend are on two sites, AUTH_COOKIE_SAMESITE), Secure behind TLS, and it lives as long as the session may (the server slides it).
 * Used by every sign-in route, OpenID Connect's callback included.
 */
export function setAuthCookie(
  response: Response,
  cookieValue: string,
  options: { secure: boolean; maxAgeMs: number; sameSite?: 'lax' | 'none' },
): void {
  response.append(
    'Set-Cookie',
    stringifySetCookie(AUTH_COOKIE_NAME, cookieValue, {
      httpOnly: true,
      sameSite: options.sameSite ?? 'lax',
      secure: options.secure,
      path: '/',
      maxAge: Math.floor(options.maxAgeMs / 1000),
    }),
  );
}

export function clearAuthCookie(response: Response, options: { secure: boolean; sameSite?: 'lax' | 'none' }): void {
  response.append(
    'Set-Cookie',
    stringifySetCookie(AUTH_COOKIE_NAME, '', {
      httpOnly: true,
      sameSite: options.sameSite ?? 'lax',
      secure: options.secure,
      path: '/',
      maxAge: 0,
    }),
  );
}
