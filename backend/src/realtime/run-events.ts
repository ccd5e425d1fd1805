import { AppError } from '@pairpad/protocol';
import type { ExecutionService } from '../runs';
import type { ClientEventHandlers } from './bind-events';
import type { RoomSocket, SocketContext } from './socket-server';

/**
 * The client's address for the per-client run limit, as Express sees it with `trust proxy: 1`
 * (the last X-Forwarded-For hop, added by the one proxy in front of us), else the socket's peer.
 */
export function clientKeyOf(socket: RoomSocket): string {
  const forwarded = socket.handshake.headers['x-forwarded-for'];
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',').map((hop) => hop.trim()).filter(Boolean);
  return hops.at(-1) ?? socket.handshake.address;
}

/**
 * `run:start`. Run updates and the history reach clients through the room (its replicated runs),
 * not from here.
 */
export function runHandlers(execution: ExecutionService | undefined): Pick<ClientEventHandlers<SocketContext>, 'run:start'> {
  return {
    'run:start': async ({ socket }, body) => {
      if (!execution) throw new AppError('EXECUTOR_UNAVAILABLE', 'This server runs no code.');
      const { sessionId, name, role } = socket.data;
      const run = await execution.start({ ...body, sessionId, role, clientKey: clientKeyOf(socket), startedBy: { name, via: 'room' } });
      return { run };
    },
  };
}
