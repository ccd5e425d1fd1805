import { Router, type Request, type Response } from 'express';
import { AppError, SESSION_ID_PATTERN } from '@pairpad/protocol';
import type { RoomManager } from '../rooms';
import { tokenMatches, type SessionRecord, type SessionService } from '../sessions';
import { archivedViews, type InterviewRecord } from '../store';
import { authOf } from './authentication';
import { bearerToken, requireInterviewer as requireLiveInterviewer } from './session-access';

/** Interviews kept in the database, for sessions no store holds any more. */
export interface ArchivedInterviews {
  get(id: string): Promise<InterviewRecord | null>;
}

export interface InterviewRoutesOptions {
  sessions: SessionService;
  rooms: RoomManager;
  /** Without it, an expired session's report is SESSION_NOT_FOUND. */
  archive?: ArchivedInterviews;
}

/**
 * The live session, or else the kept interview; either way for a signed-in member, or for the
 * interview's unrevoked guest link (bearer token) only.
 */
async function requireInterviewer(
  { sessions, archive }: InterviewRoutesOptions,
  request: Request,
  response: Response,
): Promise<{ live: SessionRecord; archived?: undefined } | { live?: undefined; archived: InterviewRecord }> {
  const id = typeof request.params.id === 'string' ? request.params.id : '';
  if (!SESSION_ID_PATTERN.test(id)) throw new AppError('INVALID_SESSION_ID', 'That is not a valid session id.');
  const live = await sessions.store.get(id);
  if (live || !archive) return { live: await requireLiveInterviewer(sessions, id, request, response) };
  const archived = await archive.get(id);
  if (!archived) throw new AppError('SESSION_NOT_FOUND', 'This interview session does not exist or has expired.');
  if (authOf(response)) return { archived };
  const token = bearerToken(request);
  if (token === undefined)
    throw new AppError('SIGN_IN_REQUIRED', 'Only the interview team can see this: sign in, or use the interviewer link.');
  if (!archived.interviewerTokenHash || !tokenMatches(archived.interviewerTokenHash, token)) {
    throw new AppError('UNAUTHORIZED', 'The interviewer token for this session is not valid.');
  }
  // A revoked guest link no longer opens the kept interview either.
  if (archived.guestLinkRevoked) throw new AppError('GUEST_LINK_REVOKED', 'This interviewer link was revoked; ask the team for access.');
  return { archived };
}

/**
 * Timeline and report: a signed-in member or the session's guest interviewer, never cached.
 * Served from the live room while the session lives, else rebuilt from the database (after the
 * room's TTL, a restart).
 */
export function interviewRoutes(options: InterviewRoutesOptions): Router {
  const { rooms } = options;
  const router = Router();

  // The room is opened here if this node does not hold it (a restart, another node's room under
  // Redis): its replicated state carries the whole recording, so every node answers the same.
  router.get('/api/sessions/:id/timeline', async (request, response) => {
    const { live, archived } = await requireInterviewer(options, request, response);
    const timeline = live ? (await rooms.open(live)).interview.timelineView() : archivedViews(archived).timeline;
    response.set('Cache-Control', 'no-store').json(timeline);
  });

  router.get('/api/sessions/:id/report', async (request, response) => {
    const { live, archived } = await requireInterviewer(options, request, response);
    const report = live
      ? (await rooms.open(live)).interview.report({ title: live.title, createdAt: live.createdAt })
      : archivedViews(archived).report;
    response.set('Cache-Control', 'no-store').json(report);
  });

  return router;
}
