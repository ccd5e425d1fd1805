import { Router } from 'express';
import rateLimit from 'express-rate-limit';
import { AppError, CreateSessionBodySchema, MAX_TITLE_LENGTH, parseOrThrow, type CreateSessionResponse } from '@pairpad/protocol';
import { assertWithinLimits, replaceCode, type RoomManager, type RoomQuestionLimits } from '../rooms';
import type { QuestionFinder } from '../realtime/question-events';
import type { SessionService } from '../sessions';
import { requireMember } from './authentication';
import type { NewInterview } from '../store';

export interface SessionsRoutesOptions {
  sessions: SessionService;
  rooms: RoomManager;
  publicUrl: string;
  /** Sessions one client IP may create per minute. */
  createPerMinute: number;
  /** The question bank, for sessions created from a question (`questionId`). */
  questions?: QuestionFinder;
  questionLimits?: RoomQuestionLimits;
  /** Called after a guest link is revoked: the realtime layer drops that link's sockets. */
  onGuestLinkRevoked?: (sessionId: string) => void;
  /** The new session's record, for the database (written in the background; never fails the request). */
  onCreated?: (interview: NewInterview) => void;
}

export function sessionsRoutes(options: SessionsRoutesOptions): Router {
  const { sessions, rooms, publicUrl } = options;
  const router = Router();
  const createLimiter = rateLimit({
    windowMs: 60_000,
    limit: options.createPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_request, _response, next) =>
      next(new AppError('RATE_LIMITED', 'Too many sessions created from this address; try again in a minute.')),
  });

  // Team members only: an anonymous caller cannot create rooms, so cannot run code (issue 22).
  router.post('/api/sessions', createLimiter, async (request, response) => {
    const member = requireMember(response);
    const body = parseOrThrow(CreateSessionBodySchema, request.body ?? {}, 'session');
    // Checked before anything is created: an unknown question creates no session.
    const question = body.questionId === undefined ? undefined : options.questions?.get(body.questionId);
    if (body.questionId !== undefined && !question)
      throw new AppError('QUESTION_NOT_FOUND', `No question with the id "${body.questionId}".`);
    if (question && options.questionLimits) assertWithinLimits(question.tests, options.questionLimits);
    const { record, interviewerToken } = await sessions.create(
      { ...body, name: body.name ?? member.name, title: body.title || question?.title.slice(0, MAX_TITLE_LENGTH) },
      member.id,
    );
    options.onCreated?.({
      id: record.id,
      title: record.title ?? '',
      language: record.language,
      questionId: question?.id ?? null,
      questionTitle: question?.title ?? null,
      createdBy: member.id,
      candidateName: body.candidateName ?? null,
      candidateEmail: body.candidateEmail ?? null,
      interviewerTokenHash: record.interviewerTokenHash,
      createdAt: record.createdAt,
    });
    if (question) {
      // The room starts from the question: its description, cases, and the starter for the language.
      const room = await rooms.open(record);
      room.interview.questions.load({ name: record.interviewerName ?? 'Interviewer', role: 'interviewer' }, question);
      const starter = question.starters[record.language];
      if (starter !== undefined) {
        replaceCode(room.doc, starter, null);
        room.interview.flushRecording();
      }
    }
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

  // Any team member may revoke an interview's guest link (not its guest: a guest is not a member).
  router.post('/api/sessions/:id/guest-link/revoke', async (request, response) => {
    requireMember(response);
    const record = await sessions.revokeGuestLink(request.params.id);
    options.onGuestLinkRevoked?.(record.id);
    response.status(204).end();
  });

  return router;
}
