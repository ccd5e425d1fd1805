import { EraseCandidateResponseSchema, type EraseCandidateBody, type EraseCandidateResponse, type Recommendation } from '@pairpad/protocol';
import { parseResponse, request } from './api';
import type { ApiAuth } from './members-api';
import { InterviewListResponseSchema, type InterviewListResponse, type InterviewScope, type InterviewStatus } from './team-shapes';

/** One page of the dashboard's list: what it asks the server for (the server filters and pages). */
export interface InterviewQuery {
  scope: InterviewScope;
  status: InterviewStatus | null;
  q: string;
  /** ISO date-times, inclusive; null: no bound. */
  from: string | null;
  to: string | null;
  /** Interviews with a submitted scorecard of this recommendation that the member may see. */
  recommendation?: Recommendation | null;
  cursor: string | null;
  limit: number;
}

export function interviewSearch(query: InterviewQuery): string {
  const params = new URLSearchParams({ scope: query.scope, limit: String(query.limit) });
  if (query.status) params.set('status', query.status);
  if (query.q.trim()) params.set('q', query.q.trim());
  if (query.from !== null) params.set('from', query.from);
  if (query.to !== null) params.set('to', query.to);
  if (query.recommendation) params.set('recommendation', query.recommendation);
  if (query.cursor) params.set('cursor', query.cursor);
  return params.toString();
}

export async function listInterviews({ apiUrl }: ApiAuth, query: InterviewQuery, signal?: AbortSignal): Promise<InterviewListResponse> {
  const answer = await request(apiUrl, `/api/interviews?${interviewSearch(query)}`, { signal, cache: 'no-store' });
  return parseResponse(InterviewListResponseSchema, answer);
}

export async function deleteInterview({ apiUrl, csrfToken }: ApiAuth, interviewId: string): Promise<void> {
  await request(apiUrl, `/api/interviews/${encodeURIComponent(interviewId)}`, { method: 'DELETE' }, csrfToken);
}

export interface CandidateKey {
  email?: string;
  name?: string;
}

/** An admin's erasure of one candidate's interviews; `dryRun` only counts them. */
export async function eraseCandidate(
  { apiUrl, csrfToken }: ApiAuth,
  candidate: CandidateKey,
  dryRun: boolean,
): Promise<EraseCandidateResponse> {
  const body: EraseCandidateBody = { ...candidate, ...(dryRun ? { dryRun } : {}) };
  const answer = await request(apiUrl, '/api/admin/erase-candidate', { method: 'POST', body: JSON.stringify(body) }, csrfToken);
  return parseResponse(EraseCandidateResponseSchema, answer);
}
