import type { PublicTestCase, Question, QuestionSummary } from '@pairpad/protocol';
import { request } from './api';

/** `GET /api/questions/:id`: a bank question as anyone may see it (hidden cases by name only, no solutions). */
export type QuestionPreview = Omit<Question, 'solutions' | 'tests'> & { tests: PublicTestCase[] };

export async function listQuestions(apiUrl: string, signal?: AbortSignal): Promise<QuestionSummary[]> {
  const body = (await request(apiUrl, '/api/questions', { signal })) as { questions?: QuestionSummary[] };
  return Array.isArray(body.questions) ? body.questions : [];
}

export async function getQuestion(apiUrl: string, id: string, signal?: AbortSignal): Promise<QuestionPreview> {
  return (await request(apiUrl, `/api/questions/${encodeURIComponent(id)}`, { signal })) as QuestionPreview;
}

/** Matches a question against the picker's search: every word must be in the title or a tag. */
export function matchesSearch(question: Pick<QuestionSummary, 'title' | 'tags' | 'difficulty'>, search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = [question.title, question.difficulty, ...question.tags].join(' ').toLowerCase();
  return words.every((word) => haystack.includes(word));
}
