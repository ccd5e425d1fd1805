import type { InterviewReport, Timeline } from '@pairpad/protocol';
import { request } from './api';

/** With the guest interviewer token when there is one; else the signed-in member's cookie alone. */
function asInterviewer(token: string | null): RequestInit {
  return token ? { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' } : { cache: 'no-store' };
}

/** `GET /api/sessions/:id/timeline` as an interviewer: a signed-in member or the interviewer token (the server refuses anyone else). */
export async function getTimeline(apiUrl: string, sessionId: string, token: string | null, signal?: AbortSignal): Promise<Timeline> {
  return (await request(apiUrl, `/api/sessions/${encodeURIComponent(sessionId)}/timeline`, {
    ...asInterviewer(token),
    signal,
  })) as Timeline;
}

/** `GET /api/sessions/:id/report` as an interviewer. */
export async function getReport(apiUrl: string, sessionId: string, token: string | null, signal?: AbortSignal): Promise<InterviewReport> {
  return (await request(apiUrl, `/api/sessions/${encodeURIComponent(sessionId)}/report`, {
    ...asInterviewer(token),
    signal,
  })) as InterviewReport;
}
