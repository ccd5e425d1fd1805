import { AppError, NOTES_EVENT, decide, redactQuestionView, viewTestRun } from '@pairpad/protocol';
import type { RoomNotice } from '../rooms';
import type { ClientEventHandlers } from './bind-events';
import type { RoomSocket, SocketContext } from './socket-server';
import { toErrorBody } from './socket-errors';

/** Maps the room's news to this socket's events: the room's connections are the one path to clients. */
export function notify(socket: RoomSocket, notice: RoomNotice): void {
  switch (notice.type) {
    case 'state':
      socket.emit('room:state', notice.state);
      break;
    case 'chat':
      socket.emit('chat:message', notice.message);
      break;
    case 'chat-history':
      socket.emit('chat:history', notice.history);
      break;
    case 'run':
      socket.emit('run:update', { run: notice.run, serverTime: Date.now() });
      break;
    case 'run-history':
      socket.emit('runs:history', { runs: notice.runs, serverTime: Date.now() });
      break;
    case 'question':
      // The room made the view for this role; made again here, so hidden cases reach interviewers only.
      socket.emit('question:state', redactQuestionView(notice.question, socket.data.role));
      break;
    case 'test-run':
      socket.emit('tests:update', { run: viewTestRun(notice.run, socket.data.role), serverTime: Date.now() });
      break;
    case 'test-run-history':
      socket.emit('tests:history', { runs: notice.runs.map((run) => viewTestRun(run, socket.data.role)), serverTime: Date.now() });
      break;
    case 'console':
      socket.emit('console:entries', notice.entries);
      break;
    case 'saving':
      socket.emit('room:saving', notice.saving);
      break;
    case 'preview':
      socket.emit('preview:status', notice.preview);
      break;
    case 'console-history':
      socket.emit('console:history', { transcripts: notice.transcripts });
      break;
    case NOTES_EVENT:
      // Defence in depth: the room only sends notes to interviewers, and the socket checks again.
      if (socket.data.role === 'interviewer') socket.emit(NOTES_EVENT, notice.message);
      break;
  }
}

/** Lock, run-disable, end, chat and focus reports; the room checks every role against the policy. */
export const interviewHandlers: Pick<
  ClientEventHandlers<SocketContext>,
  'room:lock' | 'room:disable-run' | 'room:end' | 'chat:send' | 'activity:focus' | 'room:set-language'
> = {
  'room:lock': ({ room, connection }, { locked }) => ({ state: room.interview.setLocked(connection, locked) }),
  'room:disable-run': ({ room, connection }, { disabled }) => ({ state: room.interview.setRunDisabled(connection, disabled) }),
  'room:end': ({ room, connection }) => ({ state: room.interview.end(connection) }),
  'chat:send': ({ room, connection }, { text }) => ({ message: room.interview.postChat(connection, text) }),
  'activity:focus': ({ room, connection }, { focused }) => {
    room.interview.reportFocus(connection, focused);
    return {};
  },
  'room:set-language': ({ room, connection }, { language }) => {
    room.interview.assert('edit', connection.role);
    room.setLanguage(language);
    return {};
  },
};

/** The notes channel (binary, un-acked): interviewers only, refusals as `room:error`. */
export function handleNotesMessage({ socket, room, connection }: SocketContext, message: unknown): void {
  try {
    const decision = decide('notes', connection.role, room.interview.current);
    if (!decision.allowed) throw new AppError(decision.code, decision.message);
    if (!(message instanceof Uint8Array)) throw new AppError('INVALID_MESSAGE', 'Notes messages must be binary.');
    room.interview.handleNotes(connection, message);
  } catch (error) {
    socket.emit('room:error', toErrorBody(error));
  }
}
