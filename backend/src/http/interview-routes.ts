import { Router, type Request } from 'express';
import { AppError, InterviewerTokenSchema, SESSION_ID_PATTERN, type Role } from '@pairpad/protocol';
import type { RoomManager } from '../rooms';
import { tokenMatches, type SessionRecord, type SessionService } from '../sessions';
import { archivedViews, type InterviewRecord } from '../store';

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

/** The bearer token of `Authorization: Bearer <token>`, if any (malformed → UNAUTHORIZED). */
function bearerToken(request: Request): string | undefined {
  const header = request.get('authorization');
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  const parsed = InterviewerTokenSchema.safeParse(match?.[1]);
  if (!parsed.success) throw new AppError('UNAUTHORIZED', 'Send the interviewer token as "Authorization: Bearer <token>".');
  return parsed.data;
}

/** The caller's role for a session: interviewer with the session's token, candidate without one. */
export async function roleOfRequest(sessions: SessionService, sessionId: string, request: Request): Promise<{ record: SessionRecord; role: Role }> {
  const record = await sessions.require(sessionId);
  return { record, role: sessions.roleFor(record, bearerToken(request)) };
}

const INTERVIEWER_ONLY = 'Only the interviewer can see this; send the interviewer token as a bearer token.';

/** The live session, or else the kept interview; either way only for its interviewer. */
async function requireInterviewer(
  { sessions, archive }: InterviewRoutesOptions,
  request: Request,
): Promise<{ live: SessionRecord; archived?: undefined } | { live?: undefined; archived: InterviewRecord }> {
  const id = typeof request.params.id === 'string' ? request.params.id : '';
  if (!SESSION_ID_PATTERN.test(id)) throw new AppError('INVALID_SESSION_ID', 'That is not a valid session id.');
  const live = await sessions.store.get(id);
  if (live || !archive) {
    const { record, role } = await roleOfRequest(sessions, id, request);
    if (role !== 'interviewer') throw new AppError('UNAUTHORIZED', INTERVIEWER_ONLY);
    return { live: record };
  }
  const archived = await archive.get(id);
  if (!archived) throw new AppError('SESSION_NOT_FOUND', 'This interview session does not exist or has expired.');
  const token = bearerToken(request);
  // A revoked guest link no longer opens the kept interview either.
  if (token === undefined || !archived.interviewerTokenHash || archived.guestLinkRevoked || !tokenMatches(archived.interviewerTokenHash, token)) {
    throw new AppError('UNAUTHORIZED', INTERVIEWER_ONLY);
  }
  return { archived };
}

/**
 * Timeline and report: interviewer only (bearer token), never cached. Served from the live room
 * while the session lives, else rebuilt from the database (after the room's TTL, a restart).
 */
export function interviewRoutes(options: InterviewRoutesOptions): Router {
  const { rooms } = options;
  const router = Router();

  // The room is opened here if this node does not hold it (a restart, another node's room under
  // Redis): its replicated state carries the whole recording, so every node answers the same.
  router.get('/api/sessions/:id/timeline', async (request, response) => {
    const { live, archived } = await requireInterviewer(options, request);
    const timeline = live ? (await rooms.open(live)).interview.timelineView() : archivedViews(archived).timeline;
    response.set('Cache-Control', 'no-store').json(timeline);
  });

  router.get('/api/sessions/:id/report', async (request, response) => {
    const { live, archived } = await requireInterviewer(options, request);
    const report = live ? (await rooms.open(live)).interview.report({ title: live.title, createdAt: live.createdAt }) : archivedViews(archived).report;
    response.set('Cache-Control', 'no-store').json(report);
  });

  return router;
}
