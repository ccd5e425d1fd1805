import { Router } from 'express';
import { AppError, publicTestCase, type QuestionSummary } from '@pairpad/protocol';
import type { QuestionLibrary } from '../questions/question-library';

/**
 * The question bank for the pickers: summaries for search, and one question's public view for
 * the preview (description, starters, visible cases; hidden cases by name only; never solutions).
 */
export function questionsRoutes(library: QuestionLibrary): Router {
  const router = Router();

  router.get('/api/questions', (_request, response) => {
    const questions: QuestionSummary[] = library.list();
    response.json({ questions });
  });

  router.get('/api/questions/:id', (request, response) => {
    const question = library.get(request.params.id);
    if (!question) throw new AppError('QUESTION_NOT_FOUND', `No question with the id "${request.params.id.slice(0, 64)}".`);
    const { solutions: _solutions, tests, ...rest } = question;
    response.json({ ...rest, tests: tests.map(publicTestCase) });
  });

  return router;
}
