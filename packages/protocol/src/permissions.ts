/**
 * Who may do what in a room, in which state: one pure function, used by the server on every
 * message and by the page to show what is allowed. Zod-free (type imports only), so the page can
 * import it from `@pairpad/protocol/wire` without zod in its first-load bundle.
 */
import type { ErrorCode } from './errors';
import type { InterviewState } from './interview';
import type { Role } from './realtime';

export const ROOM_ACTIONS = [
  /** Change the shared document (code, input) or its language. */
  'edit',
  'run',
  'chat',
  'lock',
  'disable-run',
  'end',
  /** Receive or write the private notes. */
  'notes',
  /** Load a question, or change the room's description and test cases. */
  'question',
  /** Create, rename, move or delete a file of the workspace (as edits: candidates unless locked, nobody once ended). */
  'files',
] as const;
export type RoomAction = (typeof ROOM_ACTIONS)[number];

export type PermissionState = Pick<InterviewState, 'locked' | 'runDisabled' | 'ended'>;

export type Decision = { allowed: true } | { allowed: false; code: ErrorCode; message: string };

const ALLOWED: Decision = { allowed: true };

function refuse(code: ErrorCode, message: string): Decision {
  return { allowed: false, code, message };
}

const CONTROL_WORDS: Record<'lock' | 'disable-run' | 'end' | 'question', string> = {
  question: 'change the question and its test cases',
  lock: 'lock editing',
  'disable-run': 'turn Run off for candidates',
  end: 'end the interview',
};

/** Decides whether `role` may do `action` while the room is in `state`. */
export function decide(action: RoomAction, role: Role, state: PermissionState): Decision {
  switch (action) {
    case 'notes':
      // Notes stay readable and writable after the end: interviewers finish them afterwards.
      return role === 'interviewer' ? ALLOWED : refuse('FORBIDDEN', 'Private notes are for interviewers only.');
    case 'lock':
    case 'disable-run':
    case 'end':
    case 'question':
      if (role !== 'interviewer') return refuse('FORBIDDEN', `Only the interviewer can ${CONTROL_WORDS[action]}.`);
      if (state.ended) return refuse('SESSION_ENDED', 'This interview has ended; nothing can be changed.');
      return ALLOWED;
    case 'edit':
      if (state.ended) return refuse('SESSION_ENDED', 'This interview has ended; the code is read-only.');
      if (state.locked && role === 'candidate') return refuse('EDITING_LOCKED', 'The interviewer has locked editing.');
      return ALLOWED;
    case 'files':
      if (state.ended) return refuse('SESSION_ENDED', 'This interview has ended; its files can no longer change.');
      if (state.locked && role === 'candidate')
        return refuse('EDITING_LOCKED', 'The interviewer has locked editing; files cannot be added, renamed or deleted.');
      return ALLOWED;
    case 'run':
      if (state.ended) return refuse('SESSION_ENDED', 'This interview has ended; code can no longer be run.');
      if (state.runDisabled && role === 'candidate') return refuse('FORBIDDEN', 'The interviewer has turned Run off for candidates.');
      return ALLOWED;
    case 'chat':
      if (state.ended) return refuse('SESSION_ENDED', 'This interview has ended; the chat is closed.');
      return ALLOWED;
  }
}

/** `decide(...).allowed`, for the page's buttons. */
export function may(action: RoomAction, role: Role, state: PermissionState): boolean {
  return decide(action, role, state).allowed;
}
