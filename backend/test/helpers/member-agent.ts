import { AUTH_COOKIE_NAME, CSRF_HEADER, type AuthSuccess, type Member } from '@pairpad/protocol';

/** The first admin every test backend starts with (ADMIN_EMAIL / ADMIN_PASSWORD). */
export const TEST_ADMIN = { email: 'admin@pairpad.test', password: 'test-admin-password' } as const;

/**
 * Env that gives a backend its first admin, and room for the sign-ins a suite makes from one
 * loopback address (a security test lowers it again to check the limit).
 */
export const TEST_ADMIN_ENV: Record<string, string> = {
  ADMIN_EMAIL: TEST_ADMIN.email,
  ADMIN_PASSWORD: TEST_ADMIN.password,
  SIGN_IN_ATTEMPTS_PER_MINUTE_PER_IP: '1000',
};

/** A signed-in member as a browser holds it: the cookie and the CSRF token for writes. */
export interface MemberAgent {
  url: string;
  member: Member;
  /** `pairpad_session=<secret>`, for a Cookie header (REST or the Socket.IO handshake). */
  cookie: string;
  csrfToken: string;
  /** fetch with the cookie, the CSRF token on writes, and `json` as a JSON body. */
  fetch(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

/** The `name=value` of the auth cookie in a response's Set-Cookie headers. */
export function authCookieOf(response: Response): string | undefined {
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';');
    if (pair?.startsWith(`${AUTH_COOKIE_NAME}=`)) return pair;
  }
  return undefined;
}

/** An agent from a sign-in answer (sign-in, setup, accepted invite). */
export async function agentFromResponse(url: string, response: Response): Promise<MemberAgent> {
  const cookie = authCookieOf(response);
  if (!cookie) throw new Error(`no auth cookie in the answer (${response.status})`);
  const body = (await response.json()) as AuthSuccess;
  return makeAgent(url, body.member, cookie, body.csrfToken);
}

function makeAgent(url: string, member: Member, cookie: string, csrfToken: string): MemberAgent {
  return {
    url,
    member,
    cookie,
    csrfToken,
    fetch(path, init = {}) {
      const { json, headers, ...rest } = init;
      const method = (rest.method ?? 'GET').toUpperCase();
      return fetch(`${url}${path}`, {
        ...rest,
        headers: {
          cookie,
          ...(method === 'GET' || method === 'HEAD' ? {} : { [CSRF_HEADER]: csrfToken }),
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
          ...(headers as Record<string, string> | undefined),
        },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
    },
  };
}

/** Signs in over REST (POST /api/auth/sign-in) and keeps the cookie and CSRF token. */
export async function signIn(
  backend: { url: string },
  credentials: { email: string; password: string } = TEST_ADMIN,
): Promise<MemberAgent> {
  const response = await fetch(`${backend.url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  return agentFromResponse(backend.url, response);
}

const agents = new Map<string, Promise<MemberAgent>>();

/**
 * The test admin signed in on this backend, signed in once per URL and reused (a backend on a
 * reused port gets a fresh sign-in: a stale cookie is noticed and replaced).
 */
export async function memberAgent(backend: { url: string }): Promise<MemberAgent> {
  let agent = agents.get(backend.url);
  if (agent) {
    const current = await agent.catch(() => undefined);
    const me = current
      ? await current
          .fetch('/api/auth/me')
          .then((response) => response.json() as Promise<{ member: Member | null }>)
          .catch(() => ({ member: null }))
      : { member: null };
    if (current && me.member) return current;
  }
  agent = signIn(backend);
  agents.set(backend.url, agent);
  agent.catch(() => agents.delete(backend.url));
  return agent;
}
