import { Router } from 'express';
import { CreateSessionBodySchema, parseOrThrow } from '@pairpad/protocol';
import type { InterviewCreator, RoomManager } from '../rooms';
import type { SessionService } from '../sessions';
import { requireMember } from './authentication';
import { minuteLimiter, type LimiterStores } from './minute-limiter';

export interface SessionsRoutesOptions {
  /** Shared counters for the per-minute limit (Redis across nodes); this process's memory without. */
  limiterStores?: LimiterStores | undefined;
  sessions: SessionService;
  rooms: RoomManager;
  /** Sessions one client IP may create per minute. */
  createPerMinute: number;
  /** Creates the session, its archive record and its room (shared with POST /api/v1/interviews). */
  creator: InterviewCreator;
  /** Called after a guest link is revoked: the realtime layer drops that link's sockets. */
  onGuestLinkRevoked?: (sessionId: string) => void;
}

export function sessionsRoutes(options: SessionsRoutesOptions): Router {
  const { sessions, rooms } = options;
  const router = Router();
  const createLimiter = minuteLimiter({
    name: 'sessions',
    limit: options.createPerMinute,
    refusal: 'Too many sessions created from this address; try again in a minute.',
    stores: options.limiterStores,
  });

  // Team members only: an anonymous caller cannot create rooms, so cannot run code (issue 22).
  router.post('/api/sessions', createLimiter, async (request, response) => {
    const member = requireMember(response);
    const body = parseOrThrow(CreateSessionBodySchema, request.body ?? {}, 'session');
    const created = await options.creator.create(body, member);
    response.status(201).json(created.response);
  });

  router.get('/api/sessions/:id', async (request, response) => {
    const record = await sessions.require(request.params.id);
    response.json(sessions.publicView(record, rooms.participants(record.id)));
  });

  // Any team member may revoke an interview's guest link (not its guest: a guest is not a member).
  router.post('/api/sessions/:id/guest-link/revoke', async (request, response) => {
    requireMember(response);
    const record = await sessions.revokeGuestLink(request.params.id);
    options.onGuestLinkRevoked?.(record.id);
    response.status(204).end();
  });

  return router;
}
