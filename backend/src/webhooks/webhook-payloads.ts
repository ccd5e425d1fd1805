import type { TeamEvent } from '../events/team-events';
import { interviewSummaryView, type InterviewSummary } from '../store';

/** What a payload tells of an interview (`InterviewRepository.summary`). */
export type InterviewFacts = InterviewSummary & { candidateEmail: string | null };

/** An interview as a receiver sees it: never the room's content, the notes or the guest link. */
export interface WebhookInterview {
  id: string;
  title: string | null;
  status: string;
  language: string;
  questionId: string | null;
  questionTitle: string | null;
  candidate: { name: string | null; email: string | null };
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  createdBy: { id: string; name: string } | null;
  /** Pages for team members (they sign in): the report and the playback. */
  links: { report: string; playback: string };
}

/** What a scorecard source tells about a submitted scorecard (the scorecards module fills it in). */
export interface WebhookScorecard {
  id: string;
  member: { id: string; name: string | null };
  /** `strong_no` … `strong_yes`, when known. */
  recommendation?: string | null;
  [field: string]: unknown;
}

export interface WebhookPayload {
  id: string;
  type: string;
  occurredAt: string;
  data: { interview: WebhookInterview | null; scorecard?: WebhookScorecard; [field: string]: unknown };
}

export interface PayloadSources {
  /** The interview archive (`InterviewRepository.summary`: no stored states read). */
  interviews: { summary(id: string): Promise<InterviewFacts | null> };
  /** A member's name (the scorecard's author). */
  memberName?: (memberId: string) => Promise<string | null>;
  /**
   * More about a submitted scorecard (recommendation, scores), when the scorecards module is
   * wired in; anything it answers is merged into `data.scorecard`. Its failure leaves the basics.
   */
  scorecard?: (scorecardId: string, interviewId: string) => Promise<Record<string, unknown> | null>;
  /** The frontend's base URL, for the links. */
  publicUrl: string;
}

export function interviewView(record: InterviewFacts, publicUrl: string): WebhookInterview {
  const page = `${publicUrl}/interview/${encodeURIComponent(record.id)}`;
  const { candidateName, ...view } = interviewSummaryView(record);
  return {
    ...view,
    candidate: { name: candidateName, email: record.candidateEmail },
    links: { report: `${page}/report`, playback: `${page}/playback` },
  };
}

/**
 * The body of every delivery of one event, built once when the event happens (a snapshot: a
 * later change to the interview does not rewrite it). Tolerant: an interview deleted meanwhile
 * gives `interview: null`; a scorecard source that fails or is missing gives the ids only.
 */
export async function buildPayload(eventId: string, event: TeamEvent, sources: PayloadSources): Promise<WebhookPayload> {
  const record = await sources.interviews.summary(event.interviewId);
  const data: WebhookPayload['data'] = { interview: record ? interviewView(record, sources.publicUrl) : null };
  if (!record) data.interviewId = event.interviewId;
  if (event.type === 'scorecard.submitted') {
    const name = (await sources.memberName?.(event.memberId).catch(() => null)) ?? null;
    const more = (await sources.scorecard?.(event.scorecardId, event.interviewId).catch(() => null)) ?? {};
    data.scorecard = { ...more, id: event.scorecardId, member: { id: event.memberId, name } };
  }
  return { id: eventId, type: event.type, occurredAt: new Date(event.occurredAt).toISOString(), data };
}

/** The test ping: proves the URL, the network path and the receiver's signature check. */
export function pingPayload(eventId: string, endpointId: string, at: number): WebhookPayload {
  return {
    id: eventId,
    type: 'webhook.ping',
    occurredAt: new Date(at).toISOString(),
    data: { interview: null, endpointId, message: 'A test delivery from PairPad: verify its signature and answer 2xx.' },
  };
}
