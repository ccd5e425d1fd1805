import { AppError, type Question } from '@pairpad/protocol';
import { seedWorkspace } from '../rooms';
import type { ClientEventHandlers } from './bind-events';
import type { SocketContext } from './socket-server';

/** What the socket layer needs of the question bank. */
export interface QuestionFinder {
  get(id: string): Question | undefined;
}

/**
 * `question:load` and `question:edit` (interviewer only, decided by the room through the policy).
 * Updates reach everyone through the room, each as their role's view. (`tests:run` is a run:
 * run-events.ts.)
 */
export function questionHandlers(
  questions: QuestionFinder | undefined,
): Pick<ClientEventHandlers<SocketContext>, 'question:load' | 'question:edit'> {
  return {
    'question:load': ({ room, connection }, { questionId }) => {
      // Refuse a candidate before saying whether the question exists.
      room.interview.assert('question', connection.role);
      const question = questions?.get(questionId);
      if (!question) throw new AppError('QUESTION_NOT_FOUND', `No question with the id "${questionId}".`);
      const loaded = room.interview.questions.load({ name: connection.name, role: connection.role }, question);
      // Its further files join the workspace (files already there are kept); the starter stays the page's offer.
      seedWorkspace(room.doc, question.files[room.currentLanguage]);
      return { question: loaded };
    },
    'question:edit': ({ room, connection }, edit) => ({
      question: room.interview.questions.edit({ name: connection.name, role: connection.role }, edit),
    }),
  };
}
