import { TeamRubricResponseSchema, type Rubric, type TeamRubricResponse } from '@pairpad/protocol';
import { parseResponse, request } from './api';
import type { ApiAuth } from './members-api';

/** The team's default rubric, and whether it is still the built-in one. */
export async function getTeamRubric({ apiUrl }: ApiAuth, signal?: AbortSignal): Promise<TeamRubricResponse> {
  return parseResponse(TeamRubricResponseSchema, await request(apiUrl, '/api/team/rubric', { signal, cache: 'no-store' }));
}

/** Replaces the team's default rubric (an admin); interviews already scored keep theirs. */
export async function saveTeamRubric({ apiUrl, csrfToken }: ApiAuth, rubric: Rubric): Promise<TeamRubricResponse> {
  return parseResponse(
    TeamRubricResponseSchema,
    await request(apiUrl, '/api/team/rubric', { method: 'PUT', body: JSON.stringify(rubric) }, csrfToken),
  );
}
