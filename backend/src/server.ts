/**
 * Composition root: builds every part from config, starts listening, and shuts down in order.
 * `main.ts` is the process entry; tests call `startBackend` directly with port 0.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import { createApp } from './http';
import type { Logger } from './logging/logger';
import { attachRealtime, type RoomServer } from './realtime';
import { RoomManager } from './rooms';
import { MemorySessionStore, SessionService, type SessionStore } from './sessions';

export const VERSION = '0.1.0';

export interface BackendHandle {
  url: string;
  port: number;
  httpServer: HttpServer;
  io: RoomServer;
  sessions: SessionService;
  rooms: RoomManager;
  close(): Promise<void>;
}

export interface BackendDependencies {
  /** Overrides the session store (tests, Redis). */
  store?: SessionStore;
}

export async function startBackend(config: Readonly<Config>, logger: Logger, dependencies: BackendDependencies = {}): Promise<BackendHandle> {
  const store = dependencies.store ?? new MemorySessionStore({ ttlSeconds: config.SESSION_TTL_SECONDS });
  const sessions = new SessionService(store);
  const rooms = new RoomManager({
    store,
    maxParticipantsPerRoom: config.MAX_PARTICIPANTS_PER_ROOM,
    maxDocumentBytes: config.MAX_DOCUMENT_BYTES,
    onError: (error, context) => logger.warn(`room ${context} failed`, { error: String(error) }),
  });
  const app = createApp({
    clientOrigins: config.clientOrigins,
    publicUrl: config.publicUrl,
    sessions,
    rooms,
    logger,
    version: VERSION,
    healthChecks: {
      sessions: async () => ({ ok: true, required: true, details: { sessions: await store.count(), rooms: rooms.roomCount } }),
    },
  });
  const httpServer = createServer(app);
  const io = attachRealtime({ httpServer, clientOrigins: config.clientOrigins, sessions, rooms, logger });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.PORT, config.HOST, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  logger.info(`backend listening on http://${config.HOST}:${port}`, { clientOrigins: config.clientOrigins });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      rooms.closeAll({ reason: 'shutdown', message: 'The server is restarting; reconnecting…' });
      await new Promise<void>((resolve) => io.close(() => resolve()));
      httpServer.closeAllConnections();
      rooms.dispose();
      await store.close();
    })();
    return closing;
  };

  return { url: `http://${host}:${port}`, port, httpServer, io, sessions, rooms, close };
}
