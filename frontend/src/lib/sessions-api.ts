import { CreateSessionResponseSchema, type CreateSessionBody, type CreateSessionResponse } from '@pairpad/protocol';
import { parseResponse, request } from './api';

/** `POST /api/sessions` as the signed-in member (cookie + CSRF token). */
export async function createSession(apiUrl: string, body: CreateSessionBody, csrfToken?: string | null): Promise<CreateSessionResponse> {
  const answer = await request(apiUrl, '/api/sessions', { method: 'POST', body: JSON.stringify(body) }, csrfToken);
  return parseResponse(CreateSessionResponseSchema, answer);
}
