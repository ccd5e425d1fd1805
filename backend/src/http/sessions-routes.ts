import { Router } from 'express';
import rateLimit from 'express-rate-limit';
import { AppError, CreateSessionBodySchema, parseOrThrow, type CreateSessionResponse } from '../protocol';
import type { RoomManager } from '../rooms';
import type { SessionService } from '../sessions';

export interface SessionsRoutesOptions {
  sessions: SessionService;
  rooms: RoomManager;
  publicUrl: string;
  /** Sessions one client IP may create per minute. */
  createPerMinute: number;
}

export function sessionsRoutes(options: SessionsRoutesOptions): Router {
  const { sessions, rooms, publicUrl } = options;
  const router = Router();
  const createLimiter = rateLimit({
    windowMs: 60_000,
    limit: options.createPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_request, _response, next) => next(new AppError('RATE_LIMITED', 'Too many sessions created from this address; try again in a minute.')),
  });

  router.post('/api/sessions', createLimiter, async (request, response) => {
    const body = parseOrThrow(CreateSessionBodySchema, request.body ?? {}, 'session');
    const { record, interviewerToken } = await sessions.create(body);
    const candidate = `${publicUrl}/interview/${record.id}`;
    const result: CreateSessionResponse = {
      ...sessions.publicView(record, 0),
      interviewerToken,
      links: { candidate, interviewer: `${candidate}?token=${interviewerToken}` },
    };
    response.status(201).json(result);
  });

  router.get('/api/sessions/:id', async (request, response) => {
    const record = await sessions.require(request.params.id);
    response.json(sessions.publicView(record, rooms.participants(record.id)));
  });

  return router;
}
