import { Router, type Request, type Response } from 'express';
import { AppError, publicTestCase, type QuestionSummary } from '@pairpad/protocol';
import type { QuestionLibrary } from '../questions/question-library';
import type { SessionService } from '../sessions';
import { authOf } from './authentication';
import { requireInterviewer } from './session-access';

/**
 * The bank is for the interview team: a candidate with a room link must not read the questions
 * (and their visible cases) ahead of time. A room's question reaches its candidate through the
 * room, as before. A guest interviewer reads the bank for its room with its bearer token and
 * `?sessionId=`.
 */
async function requireTeam(request: Request, response: Response, sessions: SessionService | undefined): Promise<void> {
  if (authOf(response)) return;
  const sessionId = request.query.sessionId;
  if (sessions && typeof sessionId === 'string' && request.get('authorization') !== undefined) {
    await requireInterviewer(sessions, sessionId, request, response);
    return;
  }
  throw new AppError('SIGN_IN_REQUIRED', 'The question bank is for the interview team: sign in to see it.');
}

/**
 * The question bank for the pickers: summaries for search, and one question's public view for
 * the preview (description, starters, visible cases; hidden cases by name only; never solutions).
 */
export function questionsRoutes(library: QuestionLibrary, sessions?: SessionService): Router {
  const router = Router();

  router.get('/api/questions', async (request, response) => {
    await requireTeam(request, response, sessions);
    const questions: QuestionSummary[] = library.list();
    response.set('Cache-Control', 'private, no-store').json({ questions });
  });

  router.get('/api/questions/:id', async (request, response) => {
    await requireTeam(request, response, sessions);
    const question = library.get(request.params.id);
    if (!question) throw new AppError('QUESTION_NOT_FOUND', `No question with the id "${request.params.id.slice(0, 64)}".`);
    const { solutions: _solutions, tests, ...rest } = question;
    response.set('Cache-Control', 'private, no-store').json({ ...rest, tests: tests.map(publicTestCase) });
  });

  return router;
}
