import type { Room, RoomConnection } from '../rooms';
import type { ClientEventHandlers } from './bind-events';

/**
 * The console's events for one socket: the room checks the permission policy, the run's state
 * and the sizes, records the entry, and the node running the program hands it over.
 */
export function consoleHandlers(room: Room, connection: RoomConnection): Pick<ClientEventHandlers, 'console:input' | 'console:eof' | 'console:signal'> {
  const { interview } = room;
  return {
    'console:input': ({ jobId, text }) => {
      interview.consoleInput(connection, jobId, text);
      return {};
    },
    'console:eof': ({ jobId }) => {
      interview.consoleEof(connection, jobId);
      return {};
    },
    'console:signal': ({ jobId, signal }) => {
      interview.consoleSignal(connection, jobId, signal);
      return {};
    },
  };
}
