import { AppError, viewTestRun, type Question } from '@pairpad/protocol';
import type { TestRunService } from '../runs';
import type { ClientEventHandlers } from './bind-events';
import { clientKeyOf } from './run-events';
import type { SocketContext } from './socket-server';

/** What the socket layer needs of the question bank. */
export interface QuestionFinder {
  get(id: string): Question | undefined;
}

/**
 * `question:load`, `question:edit` (interviewer only, decided by the room through the policy) and
 * `tests:run` (whoever may run). Updates reach everyone through the room, each as their role's view.
 */
export function questionHandlers(
  questions: QuestionFinder | undefined,
  testRuns: TestRunService | undefined,
): Pick<ClientEventHandlers<SocketContext>, 'question:load' | 'question:edit' | 'tests:run'> {
  return {
    'question:load': ({ room, connection }, { questionId }) => {
      // Refuse a candidate before saying whether the question exists.
      room.interview.assert('question', connection.role);
      const question = questions?.get(questionId);
      if (!question) throw new AppError('QUESTION_NOT_FOUND', `No question with the id "${questionId}".`);
      return { question: room.interview.questions.load({ name: connection.name, role: connection.role }, question) };
    },
    'question:edit': ({ room, connection }, edit) => ({ question: room.interview.questions.edit({ name: connection.name, role: connection.role }, edit) }),
    'tests:run': ({ socket, room, connection }) => {
      if (!testRuns) throw new AppError('EXECUTOR_UNAVAILABLE', 'This server runs no code.');
      room.interview.assertCanRun(connection.role);
      const run = testRuns.start({
        sessionId: room.sessionId,
        clientKey: clientKeyOf(socket),
        startedBy: { name: connection.name, via: 'room' },
        language: room.currentLanguage,
        code: room.code,
        tests: room.interview.questions.stored.tests,
      });
      return { run: viewTestRun(run, connection.role) };
    },
  };
}
