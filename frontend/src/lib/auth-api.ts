import { parseResponse, request } from './api';
import {
  AuthMeResponseSchema,
  InviteViewSchema,
  SignedInResponseSchema,
  type AuthMeResponse,
  type InviteView,
  type SignedInResponse,
} from './team-shapes';

const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body), cache: 'no-store' });
const path = (token: string) => encodeURIComponent(token);

/** `GET /api/auth/me`: who is signed in (or null), their CSRF token, and how this server signs people in. */
export async function getMe(apiUrl: string, signal?: AbortSignal): Promise<AuthMeResponse> {
  return parseResponse(AuthMeResponseSchema, await request(apiUrl, '/api/auth/me', { signal, cache: 'no-store' }));
}

export async function signIn(apiUrl: string, body: { email: string; password: string }): Promise<SignedInResponse> {
  return parseResponse(SignedInResponseSchema, await request(apiUrl, '/api/auth/sign-in', json('POST', body)));
}

/** First run: the admin account, proven by the one-time code the server printed. */
export async function setUp(
  apiUrl: string,
  body: { setupCode: string; email: string; name: string; password: string },
): Promise<SignedInResponse> {
  return parseResponse(SignedInResponseSchema, await request(apiUrl, '/api/auth/setup', json('POST', body)));
}

export async function signOut(apiUrl: string, csrfToken: string | null): Promise<void> {
  await request(apiUrl, '/api/auth/sign-out', { method: 'POST' }, csrfToken);
}

export async function getInvite(apiUrl: string, token: string, signal?: AbortSignal): Promise<InviteView> {
  return parseResponse(InviteViewSchema, await request(apiUrl, `/api/auth/invites/${path(token)}`, { signal, cache: 'no-store' }));
}

export async function acceptInvite(apiUrl: string, token: string, body: { name: string; password: string }): Promise<SignedInResponse> {
  return parseResponse(SignedInResponseSchema, await request(apiUrl, `/api/auth/invites/${path(token)}`, json('POST', body)));
}

export async function resetPassword(apiUrl: string, token: string, body: { password: string }): Promise<void> {
  await request(apiUrl, `/api/auth/reset/${path(token)}`, json('POST', body));
}

/** Where the OpenID Connect sign-in starts (a full-page navigation to the backend, then the provider). */
export function oidcStartUrl(apiUrl: string, returnTo: string): string {
  return `${apiUrl}/api/auth/oidc/start?${new URLSearchParams({ returnTo }).toString()}`;
}
