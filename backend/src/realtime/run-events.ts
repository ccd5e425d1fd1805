import { AppError, viewTestRun } from '@pairpad/protocol';
import type { RoomRuns } from '../runs';
import type { ClientEventHandlers } from './bind-events';
import type { RoomSocket, SocketContext } from './socket-server';

/**
 * The client's address for the per-client run limit, as Express sees it with `trust proxy: 1`
 * (the last X-Forwarded-For hop, added by the one proxy in front of us), else the socket's peer.
 */
export function clientKeyOf(socket: RoomSocket): string {
  const forwarded = socket.handshake.headers['x-forwarded-for'];
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  return hops.at(-1) ?? socket.handshake.address;
}

/**
 * `run:start` and `tests:run`, handed to the room's runs (runs/room-runs.ts). Updates and the
 * history reach clients through the room (its replicated runs), not from here.
 */
export function runHandlers(runs: RoomRuns | undefined): Pick<ClientEventHandlers<SocketContext>, 'run:start' | 'tests:run'> {
  const require = (): RoomRuns => {
    if (!runs) throw new AppError('EXECUTOR_UNAVAILABLE', 'This server runs no code.');
    return runs;
  };
  return {
    'run:start': async ({ socket }, body) => {
      const { sessionId, name, role } = socket.data;
      const run = await require().start({ ...body, sessionId, role, clientKey: clientKeyOf(socket), startedBy: { name, via: 'room' } });
      return { run };
    },
    'tests:run': ({ socket, room, connection }) => {
      const run = require().runTests(room, connection, clientKeyOf(socket));
      return { run: viewTestRun(run, connection.role) };
    },
  };
}
