import type { ApiTokenCreated, ApiTokenScope, ErrorBody, InviteCreated } from '@pairpad/protocol';
import { agentFromResponse, type MemberAgent } from '../helpers/member-agent';

/** The error code of an answer, or its status when it succeeded. */
export async function codeOf(response: Response): Promise<string> {
  if (response.ok) return String(response.status);
  return ((await response.json()) as { error: ErrorBody }).error.code;
}

/** A member invited by the admin, signed in. */
export async function invite(admin: MemberAgent, email: string, role: 'admin' | 'interviewer' = 'interviewer'): Promise<MemberAgent> {
  const created = (await (await admin.fetch('/api/members/invites', { method: 'POST', json: { email, role } })).json()) as InviteCreated;
  const response = await fetch(`${admin.url}/api/auth/invites/${created.inviteUrl.split('/invite/')[1]}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: email.split('@')[0], password: 'member-password' }),
  });
  return agentFromResponse(admin.url, response);
}

/** A personal API token made through the REST route, as a member's page makes it. */
export async function createToken(
  member: MemberAgent,
  scopes: ApiTokenScope[],
  name = `token ${scopes.join('+')}`,
): Promise<ApiTokenCreated> {
  const response = await member.fetch('/api/tokens', { method: 'POST', json: { name, scopes } });
  if (response.status !== 201) throw new Error(`token creation failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as ApiTokenCreated;
}

/** A call to /api/v1 with a bearer token and nothing else (no cookie, no CSRF token). */
export function apiFetch(
  url: string,
  token: string | null,
  path: string,
  init: { method?: string; json?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  });
}
