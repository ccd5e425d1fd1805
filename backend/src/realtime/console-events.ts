import type { ClientEventHandlers } from './bind-events';
import type { SocketContext } from './socket-server';

/**
 * The console's events: the room checks the permission policy, the run's state and the sizes,
 * records the entry, and the node running the program hands it over.
 */
export const consoleHandlers: Pick<ClientEventHandlers<SocketContext>, 'console:input' | 'console:eof' | 'console:signal'> = {
  'console:input': ({ room, connection }, { jobId, text }) => {
    room.interview.consoleInput(connection, jobId, text);
    return {};
  },
  'console:eof': ({ room, connection }, { jobId }) => {
    room.interview.consoleEof(connection, jobId);
    return {};
  },
  'console:signal': ({ room, connection }, { jobId, signal }) => {
    room.interview.consoleSignal(connection, jobId, signal);
    return {};
  },
};
