import type { InterviewReport, Timeline } from '@pairpad/protocol';
import { request } from './api';

function asInterviewer(token: string): RequestInit {
  return { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' };
}

/** `GET /api/sessions/:id/timeline` with the interviewer token (the server refuses anyone else). */
export async function getTimeline(apiUrl: string, sessionId: string, token: string, signal?: AbortSignal): Promise<Timeline> {
  return (await request(apiUrl, `/api/sessions/${encodeURIComponent(sessionId)}/timeline`, { ...asInterviewer(token), signal })) as Timeline;
}

/** `GET /api/sessions/:id/report` with the interviewer token. */
export async function getReport(apiUrl: string, sessionId: string, token: string, signal?: AbortSignal): Promise<InterviewReport> {
  return (await request(apiUrl, `/api/sessions/${encodeURIComponent(sessionId)}/report`, { ...asInterviewer(token), signal })) as InterviewReport;
}
