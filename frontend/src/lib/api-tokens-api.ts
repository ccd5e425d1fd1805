import {
  ApiTokenCreatedSchema,
  ApiTokenSchema,
  ApiTokensListResponseSchema,
  type ApiToken,
  type ApiTokenCreated,
  type ApiTokenScope,
} from '@pairpad/protocol';
import { parseResponse, request } from './api';
import type { ApiAuth } from './members-api';

export type { ApiToken, ApiTokenCreated, ApiTokenScope };

/** The member's tokens; an admin's `team` list holds every member's. */
export async function listApiTokens({ apiUrl }: ApiAuth, scope: 'mine' | 'team', signal?: AbortSignal): Promise<ApiToken[]> {
  const answer = await request(apiUrl, `/api/tokens?scope=${scope}`, { signal, cache: 'no-store' });
  return parseResponse(ApiTokensListResponseSchema, answer).tokens;
}

export async function createApiToken(
  { apiUrl, csrfToken }: ApiAuth,
  body: { name: string; scopes: ApiTokenScope[] },
): Promise<ApiTokenCreated> {
  return parseResponse(
    ApiTokenCreatedSchema,
    await request(apiUrl, '/api/tokens', { method: 'POST', body: JSON.stringify(body) }, csrfToken),
  );
}

export async function revokeApiToken({ apiUrl, csrfToken }: ApiAuth, id: string): Promise<ApiToken> {
  const answer = await request(apiUrl, `/api/tokens/${encodeURIComponent(id)}/revoke`, { method: 'POST' }, csrfToken);
  return parseResponse(ApiTokenSchema, answer);
}
