import {
  MyScorecardResponseSchema,
  ScorecardListResponseSchema,
  ScorecardViewSchema,
  type MyScorecardResponse,
  type ScorecardBody,
  type ScorecardListResponse,
  type ScorecardView,
} from '@pairpad/protocol';
import { parseResponse, request } from './api';
import type { ApiAuth } from './members-api';

/** Scorecards are for signed-in members only: the cookie rides along, never the guest token. */
const path = (interviewId: string, suffix = '') => `/api/interviews/${encodeURIComponent(interviewId)}/scorecards${suffix}`;

export async function getMyScorecard({ apiUrl }: ApiAuth, interviewId: string, signal?: AbortSignal): Promise<MyScorecardResponse> {
  return parseResponse(MyScorecardResponseSchema, await request(apiUrl, path(interviewId, '/mine'), { signal, cache: 'no-store' }));
}

/** Autosave of the draft. */
export async function saveScorecardDraft({ apiUrl, csrfToken }: ApiAuth, interviewId: string, body: ScorecardBody): Promise<ScorecardView> {
  const answer = await request(apiUrl, path(interviewId, '/mine'), { method: 'PUT', body: JSON.stringify(body) }, csrfToken);
  return parseResponse(ScorecardViewSchema, answer);
}

/** Submit, or submit an edit (a new version). */
export async function submitScorecard({ apiUrl, csrfToken }: ApiAuth, interviewId: string, body: ScorecardBody): Promise<ScorecardView> {
  const answer = await request(apiUrl, path(interviewId, '/mine/submit'), { method: 'POST', body: JSON.stringify(body) }, csrfToken);
  return parseResponse(ScorecardViewSchema, answer);
}

export async function listScorecards({ apiUrl }: ApiAuth, interviewId: string, signal?: AbortSignal): Promise<ScorecardListResponse> {
  return parseResponse(ScorecardListResponseSchema, await request(apiUrl, path(interviewId), { signal, cache: 'no-store' }));
}
