import { parseResponse, request } from './api';
import {
  InviteCreatedResponseSchema,
  MemberListResponseSchema,
  ResetLinkResponseSchema,
  type InviteCreatedResponse,
  type MemberListItem,
  type MemberRole,
  type ResetLinkResponse,
} from './team-shapes';

/** The signed-in member's way to the backend: where it is, and the CSRF token its writes carry. */
export interface ApiAuth {
  apiUrl: string;
  csrfToken: string | null;
}

const id = (memberId: string) => encodeURIComponent(memberId);

export async function listMembers({ apiUrl }: ApiAuth, signal?: AbortSignal): Promise<MemberListItem[]> {
  return parseResponse(MemberListResponseSchema, await request(apiUrl, '/api/members', { signal, cache: 'no-store' })).members;
}

export async function inviteMember(
  { apiUrl, csrfToken }: ApiAuth,
  body: { email: string; role: MemberRole },
): Promise<InviteCreatedResponse> {
  const answer = await request(apiUrl, '/api/members/invites', { method: 'POST', body: JSON.stringify(body) }, csrfToken);
  return parseResponse(InviteCreatedResponseSchema, answer);
}

export async function updateMember(
  { apiUrl, csrfToken }: ApiAuth,
  memberId: string,
  change: { role?: MemberRole; disabled?: boolean },
): Promise<void> {
  await request(apiUrl, `/api/members/${id(memberId)}`, { method: 'PATCH', body: JSON.stringify(change) }, csrfToken);
}

export async function createResetLink({ apiUrl, csrfToken }: ApiAuth, memberId: string): Promise<ResetLinkResponse> {
  return parseResponse(
    ResetLinkResponseSchema,
    await request(apiUrl, `/api/members/${id(memberId)}/reset-link`, { method: 'POST' }, csrfToken),
  );
}
