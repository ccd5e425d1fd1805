import { Router } from 'express';
import type { RoomManager } from '../rooms';
import type { SessionService } from '../sessions';
import { requireInterviewer } from './session-access';

export interface InterviewRoutesOptions {
  sessions: SessionService;
  rooms: RoomManager;
}

/** Timeline and report: a signed-in member or the session's guest interviewer, never cached. */
export function interviewRoutes({ sessions, rooms }: InterviewRoutesOptions): Router {
  const router = Router();

  // The room is opened here if this node does not hold it (a restart, another node's room under
  // Redis): its replicated state carries the whole recording, so every node answers the same.
  router.get('/api/sessions/:id/timeline', async (request, response) => {
    const record = await requireInterviewer(sessions, request.params.id, request, response);
    const room = await rooms.open(record);
    response.set('Cache-Control', 'no-store').json(room.interview.timelineView());
  });

  router.get('/api/sessions/:id/report', async (request, response) => {
    const record = await requireInterviewer(sessions, request.params.id, request, response);
    const room = await rooms.open(record);
    response.set('Cache-Control', 'no-store').json(room.interview.report({ title: record.title, createdAt: record.createdAt }));
  });

  return router;
}
