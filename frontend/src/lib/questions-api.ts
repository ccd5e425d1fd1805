import type { PublicTestCase, Question, QuestionSummary } from '@pairpad/protocol';
import { request } from './api';

/** `GET /api/questions/:id`: a bank question as anyone may see it (hidden cases by name only, no solutions). */
export type QuestionPreview = Omit<Question, 'solutions' | 'tests'> & { tests: PublicTestCase[] };

/**
 * The bank is for the interview team: a signed-in member's cookie is enough; a guest interviewer
 * (no account, the interviewer link) reads it for its room with its token and the room's id.
 */
export interface GuestAccess {
  sessionId: string;
  token: string;
}

function asTeam(guest: GuestAccess | null | undefined, signal?: AbortSignal): { query: string; init: RequestInit } {
  if (!guest) return { query: '', init: { signal } };
  return {
    query: `?${new URLSearchParams({ sessionId: guest.sessionId }).toString()}`,
    init: { signal, headers: { Authorization: `Bearer ${guest.token}` } },
  };
}

export async function listQuestions(apiUrl: string, signal?: AbortSignal, guest?: GuestAccess | null): Promise<QuestionSummary[]> {
  const { query, init } = asTeam(guest, signal);
  const body = (await request(apiUrl, `/api/questions${query}`, init)) as { questions?: QuestionSummary[] };
  return Array.isArray(body.questions) ? body.questions : [];
}

export async function getQuestion(apiUrl: string, id: string, signal?: AbortSignal, guest?: GuestAccess | null): Promise<QuestionPreview> {
  const { query, init } = asTeam(guest, signal);
  return (await request(apiUrl, `/api/questions/${encodeURIComponent(id)}${query}`, init)) as QuestionPreview;
}

/** Matches a question against the picker's search: every word must be in the title or a tag. */
export function matchesSearch(question: Pick<QuestionSummary, 'title' | 'tags' | 'difficulty'>, search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = [question.title, question.difficulty, ...question.tags].join(' ').toLowerCase();
  return words.every((word) => haystack.includes(word));
}
