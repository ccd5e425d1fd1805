import { Router, type Request } from 'express';
import { AppError, InterviewerTokenSchema, type Role } from '@pairpad/protocol';
import type { RoomManager } from '../rooms';
import type { SessionRecord, SessionService } from '../sessions';

export interface InterviewRoutesOptions {
  sessions: SessionService;
  rooms: RoomManager;
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

async function requireInterviewer(sessions: SessionService, request: Request): Promise<SessionRecord> {
  const id = request.params.id;
  const { record, role } = await roleOfRequest(sessions, typeof id === 'string' ? id : '', request);
  if (role !== 'interviewer') throw new AppError('UNAUTHORIZED', 'Only the interviewer can see this; send the interviewer token as a bearer token.');
  return record;
}

/** Timeline and report: interviewer only (bearer token), never cached. */
export function interviewRoutes({ sessions, rooms }: InterviewRoutesOptions): Router {
  const router = Router();

  // The room is opened here if this node does not hold it (a restart, another node's room under
  // Redis): its replicated state carries the whole recording, so every node answers the same.
  router.get('/api/sessions/:id/timeline', async (request, response) => {
    const record = await requireInterviewer(sessions, request);
    const room = await rooms.open(record);
    response.set('Cache-Control', 'no-store').json(room.interview.timelineView());
  });

  router.get('/api/sessions/:id/report', async (request, response) => {
    const record = await requireInterviewer(sessions, request);
    const room = await rooms.open(record);
    response.set('Cache-Control', 'no-store').json(room.interview.report({ title: record.title, createdAt: record.createdAt }));
  });

  return router;
}
