/** The browser's side of OIDC sign-in against a test backend: env, start → provider → callback, answers. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthMeResponse } from '@pairpad/protocol';
import { browse, type CookieJar, signInAtProvider, TEST_CLIENT, type TestAccountId } from '../helpers/oidc-provider';

export const FRONTEND = 'http://localhost:3999';

/** A port that was free a moment ago: the provider must know the backend's callback before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function oidcEnv(issuer: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    CLIENT_URL: FRONTEND,
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: TEST_CLIENT.id,
    OIDC_CLIENT_SECRET: TEST_CLIENT.secret,
    OIDC_LABEL: 'Test IdP',
    OIDC_SCOPES: 'openid email profile groups',
    OIDC_ALLOWED_DOMAINS: 'example.com',
    OIDC_ALLOWED_GROUPS: 'interviewers',
    ...extra,
  };
}

export async function me(backend: { url: string }, jar: CookieJar): Promise<AuthMeResponse> {
  return (await (await browse(jar, `${backend.url}/api/auth/me`)).json()) as AuthMeResponse;
}

/** The browser's trip: start → the provider's pages → back at the callback URL (not yet visited). */
export async function startAndSignIn(
  backend: { url: string },
  jar: CookieJar,
  account: TestAccountId,
  returnTo = '/dashboard',
): Promise<string> {
  const start = await browse(jar, `${backend.url}/api/auth/oidc/start?returnTo=${encodeURIComponent(returnTo)}`);
  assert.equal(start.status, 302);
  assert.ok(jar.get('pairpad_oidc'), 'the transaction cookie is set');
  const setCookie = start.headers.getSetCookie().find((line) => line.startsWith('pairpad_oidc='))!;
  assert.match(setCookie, /HttpOnly/i);
  assert.match(setCookie, /SameSite=Lax/i);
  assert.match(setCookie, /Max-Age=600/i);
  return signInAtProvider(start.headers.get('location')!, account, `${backend.url}/api/auth/oidc/callback`);
}

/** The error code of a redirect to the frontend's /sign-in. */
export function signInError(response: Response): string | null {
  assert.equal(response.status, 302);
  const location = new URL(response.headers.get('location')!);
  assert.equal(`${location.origin}${location.pathname}`, `${FRONTEND}/sign-in`);
  return location.searchParams.get('error');
}
