import type { ApiInterview, ApiPlayback } from '@pairpad/protocol';
import type { SessionRecord } from '../sessions';
import { interviewSummaryView, type InterviewSummary } from '../store';

export function interviewLinks(publicUrl: string, id: string): ApiInterview['links'] {
  const room = `${publicUrl}/interview/${id}`;
  return { candidate: room, room, report: `${room}/report`, playback: `${room}/playback` };
}

export function playbackView(publicUrl: string, backendPath: string, id: string): ApiPlayback {
  return { playback: interviewLinks(publicUrl, id).playback, timeline: `${backendPath}/api/sessions/${id}/timeline` };
}

/** A kept interview as the API shows it. */
export function archivedInterviewView(publicUrl: string, summary: InterviewSummary): ApiInterview {
  return { ...interviewSummaryView(summary), links: interviewLinks(publicUrl, summary.id) };
}

/**
 * A live session whose archive row is not written yet (it is written in the background right
 * after creation): the same view from the session record.
 */
export function liveInterviewView(
  publicUrl: string,
  record: SessionRecord,
  creator: { id: string; name: string } | null,
  question: { id: string; title: string } | null,
): ApiInterview {
  return {
    id: record.id,
    title: record.title,
    language: record.language,
    questionId: question?.id ?? null,
    questionTitle: question?.title ?? null,
    candidateName: record.candidateName ?? null,
    status: record.ended ? 'ended' : 'upcoming',
    createdAt: new Date(record.createdAt).toISOString(),
    startedAt: null,
    endedAt: null,
    createdBy: creator,
    links: interviewLinks(publicUrl, record.id),
  };
}
