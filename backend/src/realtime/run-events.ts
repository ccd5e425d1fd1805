import { parseOrThrow, RunStartSchema, type Ack, type RunStarted } from '../protocol';
import type { ExecutionService } from '../execution';
import type { RoomServer, RoomSocket } from './socket-server';
import { toErrorBody } from './socket-errors';

/** Every job change reaches everyone in its room, whether it was started here or over REST. */
export function attachRunBroadcasts(io: RoomServer, execution: ExecutionService): () => void {
  return execution.onUpdate((run) => {
    io.to(run.sessionId).emit('run:update', { run, serverTime: Date.now() });
  });
}

/**
 * The client's address for the per-client run limit, as Express sees it with `trust proxy: 1`
 * (the last X-Forwarded-For hop, added by the one proxy in front of us), else the socket's peer.
 */
export function clientKeyOf(socket: RoomSocket): string {
  const forwarded = socket.handshake.headers['x-forwarded-for'];
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',').map((hop) => hop.trim()).filter(Boolean);
  return hops.at(-1) ?? socket.handshake.address;
}

/** Per socket: send the room's recent runs at join, and start runs on `run:start`. */
export function registerRunEvents(socket: RoomSocket, execution: ExecutionService): void {
  const { sessionId, name, role } = socket.data;
  // listRuns includes runs started on other nodes when runs are shared through Redis.
  void execution.listRuns(sessionId).then((runs) => socket.emit('runs:history', { runs, serverTime: Date.now() }));

  socket.on('run:start', (payload: unknown, ack?: (result: Ack<RunStarted>) => void) => {
    void respondAsync(ack, async () => {
      const body = parseOrThrow(RunStartSchema, payload === undefined ? {} : payload, 'run request');
      const run = await execution.start({ ...body, sessionId, role, clientKey: clientKeyOf(socket), startedBy: { name, via: 'room' } });
      return { run };
    });
  });
}

/** `respond()` for async handlers: answers the ack with `{ ok: true, ... }` or a named error; never rejects. */
async function respondAsync<T extends object>(ack: unknown, handler: () => Promise<T>): Promise<void> {
  let result: Ack<T>;
  try {
    result = { ok: true, ...(await handler()) } as Ack<T>;
  } catch (error) {
    result = { ok: false, error: toErrorBody(error) };
  }
  if (typeof ack === 'function') (ack as (result: Ack<T>) => void)(result);
}
