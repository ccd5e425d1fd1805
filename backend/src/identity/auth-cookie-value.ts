import { parseCookie } from 'cookie';
import { AUTH_COOKIE_NAME } from '@pairpad/protocol';

/**
 * The auth cookie's value from a Cookie header, if any: read by HTTP requests and by the
 * Socket.IO handshake alike (the browser sends the same cookie on both).
 */
export function readAuthCookie(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  return parseCookie(cookieHeader)[AUTH_COOKIE_NAME];
}
