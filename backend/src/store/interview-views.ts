import type { InterviewSummary as InterviewSummaryView } from '@pairpad/protocol';
import type { InterviewListQuery, InterviewSummary } from './interview-repository';

/**
 * The one mapping of a kept interview to what leaves the backend (ISO dates, an empty title as
 * null) and of the list filters from a query string to the repository's: the dashboard
 * (http/interviews-routes.ts), the public API (public-api/) and webhook payloads (webhooks/) build on these.
 */

export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function interviewSummaryView(summary: InterviewSummary): InterviewSummaryView {
  return {
    id: summary.id,
    title: summary.title === '' ? null : summary.title,
    language: summary.language,
    questionId: summary.questionId,
    questionTitle: summary.questionTitle,
    candidateName: summary.candidateName,
    status: summary.status,
    createdAt: new Date(summary.createdAt).toISOString(),
    startedAt: isoOrNull(summary.startedAt),
    endedAt: isoOrNull(summary.endedAt),
    createdBy: summary.createdBy,
  };
}

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** `to=2026-12-07` means "up to the end of that day"; a date-time means that instant. */
function boundOf(value: string | undefined, end: boolean): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  return end && DATE_ONLY.test(value) ? ms + DAY_MS : ms;
}

/** The filters a list query string carries (already validated), as `InterviewListQuery` fields: only those given. */
export function listFilters(query: {
  status?: InterviewListQuery['status'];
  q?: string;
  from?: string;
  to?: string;
  cursor?: string;
}): Pick<InterviewListQuery, 'status' | 'q' | 'from' | 'to' | 'cursor'> {
  const from = boundOf(query.from, false);
  const to = boundOf(query.to, true);
  return {
    ...(query.status ? { status: query.status } : {}),
    ...(query.q ? { q: query.q } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(query.cursor ? { cursor: query.cursor } : {}),
  };
}
