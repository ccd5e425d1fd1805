import type { ErrorCode, SessionPublicView } from '@pairpad/protocol';
// The zod-free twin: this module is in the room page's first load (issue 21); see first-load-schemas.ts.
import { SessionPublicViewSchema } from '@pairpad/protocol/first-load-schemas';

/** A REST failure in words: a protocol error code, or `NETWORK_ERROR` when the backend could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode | 'NETWORK_ERROR' | 'BAD_RESPONSE',
    message: string,
    readonly status: number | null = null,
    readonly details?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorEnvelope {
  error?: { code?: string; message?: string; details?: Record<string, string> };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * One REST call to the backend. The session cookie rides along (`credentials: 'include'`: the
 * backend is another origin); a write carries `csrfToken` as `x-csrf-token`, which the backend
 * demands of every cookie-authenticated POST/PUT/PATCH/DELETE.
 */
export async function request(apiUrl: string, path: string, init?: RequestInit, csrfToken?: string | null): Promise<unknown> {
  const write = !SAFE_METHODS.has((init?.method ?? 'GET').toUpperCase());
  let response: Response;
  try {
    response = await fetch(`${apiUrl}${path}`, {
      ...init,
      credentials: 'include',
      headers: {
        Accept: 'application/json',
        ...(init?.body ? { 'Content-Type': 'application/json' } : {}),
        ...(write && csrfToken ? { 'x-csrf-token': csrfToken } : {}),
        ...init?.headers,
      },
    });
  } catch {
    throw new ApiError('NETWORK_ERROR', `Cannot reach the PairPad server at ${apiUrl}. Is the backend running?`);
  }
  // 204 (sign-out, delete) has no body.
  const body: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = (body as ErrorEnvelope | null)?.error;
    const message = error?.message ?? `The server answered ${response.status} ${response.statusText}.`;
    throw new ApiError((error?.code as ErrorCode | undefined) ?? 'INTERNAL_ERROR', message, response.status, error?.details);
  }
  return body;
}

export function parseResponse<T>(schema: { safeParse(input: unknown): { success: true; data: T } | { success: false } }, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new ApiError('BAD_RESPONSE', 'The server sent an answer this page does not understand.');
  return result.data;
}

export async function getSession(apiUrl: string, sessionId: string, signal?: AbortSignal): Promise<SessionPublicView> {
  const answer = await request(apiUrl, `/api/sessions/${encodeURIComponent(sessionId)}`, { signal });
  return parseResponse(SessionPublicViewSchema, answer);
}

/** True when the error means "this session does not exist (any more)". */
export function isMissingSession(error: unknown): boolean {
  return error instanceof ApiError && (error.code === 'SESSION_NOT_FOUND' || error.code === 'INVALID_SESSION_ID' || error.status === 404);
}
