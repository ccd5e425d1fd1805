import {
  AppError,
  ChatSendSchema,
  EndInterviewSchema,
  FocusReportSchema,
  NOTES_EVENT,
  SetLockedSchema,
  SetRunDisabledSchema,
  parseOrThrow,
} from '../protocol';
import type { Room, RoomConnection } from '../rooms';
import type { RoomNotice } from '../rooms/room-connection';
import type { RoomSocket } from './socket-server';
import { respond } from './socket-server';
import { toErrorBody } from './socket-errors';

/** Events this module handles (for the adapter's unknown-event check). */
export const INTERVIEW_EVENTS = ['room:lock', 'room:disable-run', 'room:end', 'chat:send', 'activity:focus', NOTES_EVENT] as const;

/** Maps the room's interview news to this socket's events; nothing else reaches the socket this way. */
export function notifier(socket: RoomSocket): (notice: RoomNotice) => void {
  return (notice) => {
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
      case NOTES_EVENT:
        // Defence in depth: the room only sends notes to interviewers, and the socket checks again.
        if (socket.data.role === 'interviewer') socket.emit(NOTES_EVENT, notice.message);
        break;
    }
  };
}

/** Lock, run-disable, end, chat, focus reports and notes sync; the room checks every role. */
export function registerInterviewEvents(socket: RoomSocket, room: Room, connection: RoomConnection): void {
  const interview = room.interview;

  socket.on('room:lock', (payload: unknown, ack?: unknown) => {
    respond(ack, () => {
      const { locked } = parseOrThrow(SetLockedSchema, payload, 'lock request');
      return { state: interview.setLocked(connection, locked) };
    });
  });

  socket.on('room:disable-run', (payload: unknown, ack?: unknown) => {
    respond(ack, () => {
      const { disabled } = parseOrThrow(SetRunDisabledSchema, payload, 'run setting');
      return { state: interview.setRunDisabled(connection, disabled) };
    });
  });

  socket.on('room:end', (payload: unknown, ack?: unknown) => {
    respond(ack, () => {
      parseOrThrow(EndInterviewSchema, payload ?? {}, 'end request');
      return { state: interview.end(connection) };
    });
  });

  socket.on('chat:send', (payload: unknown, ack?: unknown) => {
    respond(ack, () => {
      const { text } = parseOrThrow(ChatSendSchema, payload, 'chat message');
      return { message: interview.postChat(connection, text) };
    });
  });

  socket.on('activity:focus', (payload: unknown, ack?: unknown) => {
    respond(ack, () => {
      const { focused } = parseOrThrow(FocusReportSchema, payload, 'focus report');
      interview.reportFocus(connection, focused);
      return {};
    });
  });

  socket.on(NOTES_EVENT, (message: unknown) => {
    try {
      if (!(message instanceof Uint8Array)) throw new AppError('INVALID_MESSAGE', 'Notes messages must be binary.');
      interview.handleNotes(connection, message);
    } catch (error) {
      socket.emit('room:error', toErrorBody(error));
    }
  });
}
