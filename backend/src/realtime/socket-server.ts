import { ServerResponse, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import {
  AppError,
  HandshakeAuthSchema,
  KNOWN_CLIENT_EVENTS,
  NOTES_EVENT,
  MAX_YJS_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  SOCKET_PATH,
  YJS_EVENT,
  parseOrThrow,
  type Ack,
  type ClientToServerEvents,
  type Role,
  type ServerToClientEvents,
  type SessionClosed,
} from '@pairpad/protocol';
import type { Room, RoomConnection, RoomManager, RoomNotice } from '../rooms';
import type { RoomRuns } from '../runs';
import type { SessionRecord, SessionService } from '../sessions';
import { readAuthCookie, type IdentityService, type MemberRecord } from '../identity';
import { FRAMES_QUERY, binaryFrameParser, encodeBinaryFrame } from '@pairpad/protocol/binary-frames';
import { clientEventListeners, type SharedListener } from './bind-events';
import { runHandlers } from './run-events';
import { previewHandlers } from './preview-events';
import type { RoomPreviews } from '../previews';
import { consoleHandlers } from './console-events';
import { handleNotesMessage, interviewHandlers, notify } from './interview-events';
import { questionHandlers, type QuestionFinder } from './question-events';
import { EventRateLimiter } from './event-rate-limiter';
import { toConnectError, toErrorBody } from './socket-errors';

interface SocketData {
  sessionId: string;
  generation: string;
  role: Role;
  /** How the role was granted: a member's cookie, the guest interviewer link, or the candidate link. */
  via: 'member' | 'guest' | 'link';
  /** The signed-in member's id (via 'member'): their sockets close when they are disabled. */
  memberId: string | null;
  name: string;
  /** The client reads Yjs messages as binary frames (it said so in its connection query). */
  binaryFrames: boolean;
}

export type RoomServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type RoomSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** What a socket's event handlers act on, once it has joined its room. */
export interface SocketContext {
  socket: RoomSocket;
  room: Room;
  connection: RoomConnection;
}

export interface RealtimeOptions {
  httpServer: HttpServer;
  clientOrigins: string[];
  sessions: SessionService;
  rooms: RoomManager;
  /** Runs and test runs in the room (`run:start`, `tests:run`); absent in tests that need none. */
  runs?: RoomRuns;
  /** Live previews; without it, preview events answer PREVIEW_UNAVAILABLE. */
  previews?: RoomPreviews;
  /** Team accounts: a signed-in member (the auth cookie in the handshake) joins as interviewer. */
  identity?: IdentityService;
  /** The question bank for `question:load`. */
  questions?: QuestionFinder;
  /** A signed-in member joined a room as its interviewer (recorded: they may score the interview). */
  onMemberJoined?: (sessionId: string, memberId: string) => void;
  logger: { info(message: string, meta?: object): void; warn(message: string, meta?: object): void };
  /** Per-socket event budget (token bucket); past it events are dropped with RATE_LIMITED. */
  eventsPerSecond?: number;
  eventBurst?: number;
  /** Socket.IO heartbeat (SOCKET_PING_INTERVAL_MS / SOCKET_PING_TIMEOUT_MS). @default 25 s / 20 s */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
}

/** Thin Socket.IO adapter: authenticate at handshake, validate every event, hand it to rooms/. */
export function attachRealtime(options: RealtimeOptions): RoomServer {
  const { sessions, rooms, logger } = options;
  const io: RoomServer = new Server(options.httpServer, {
    path: SOCKET_PATH,
    cors: { origin: options.clientOrigins, credentials: true },
    // Slightly above the largest Yjs message so our own check answers with a named error.
    maxHttpBufferSize: MAX_YJS_MESSAGE_BYTES + 64 * 1024,
    // Reads clients' one-frame Yjs messages as well as default Socket.IO packets.
    parser: binaryFrameParser,
    pingInterval: options.pingIntervalMs ?? 25_000,
    pingTimeout: options.pingTimeoutMs ?? 20_000,
  });

  const releaseUpgradeRequest = keepUpgradeResponses(io);

  /**
   * The session's record, from the store; or, for a session whose room is live on this node, from
   * the room when the store lost it (Redis restarted without persistence: it is written back) or
   * cannot answer (Redis down: the node keeps serving it). Only then is a reconnect refused, and
   * a store failure is a temporary refusal the client retries.
   */
  async function requireSession(sessionId: string): Promise<SessionRecord> {
    try {
      return await sessions.require(sessionId);
    } catch (error) {
      const live = rooms.liveRecord(sessionId);
      if (error instanceof AppError && error.code !== 'SESSION_NOT_FOUND') throw error;
      if (live) {
        if (error instanceof AppError) {
          logger.warn('session record missing from the store while its room is live here; writing it back', { sessionId });
          await sessions.store.restore(live).catch(() => undefined);
        }
        return live;
      }
      if (error instanceof AppError) throw error;
      logger.warn('session store unavailable at handshake', { sessionId, error: error instanceof Error ? error.message : String(error) });
      throw new AppError('SESSION_STORE_UNAVAILABLE', 'The session store cannot be reached just now; retrying.');
    }
  }

  io.use(async (socket, next) => {
    try {
      const auth = parseOrThrow(HandshakeAuthSchema, socket.handshake.auth, 'handshake');
      const record = await requireSession(auth.sessionId);
      if (auth.generation && auth.generation !== record.generation) {
        throw new AppError('SESSION_GENERATION_MISMATCH', 'This session was recreated since you last joined; reload to start fresh.');
      }
      const member = await memberOfHandshake(socket.handshake.headers, options);
      const role = member ? 'interviewer' : sessions.roleFor(record, auth.token);
      const via = member ? 'member' : role === 'interviewer' ? 'guest' : 'link';
      rooms.assertCanJoin(record.id);
      socket.data = {
        sessionId: record.id,
        generation: record.generation,
        role,
        via,
        memberId: member?.id ?? null,
        name: auth.name,
        binaryFrames: socket.handshake.query.binaryFrames === FRAMES_QUERY.binaryFrames,
      };
      next();
    } catch (error) {
      next(toConnectError(error));
    }
  });

  // Every socket's listeners are made once here and shared: each finds its socket's context
  // through `this` (routeEvents calls them with the socket as `this`, as an EventEmitter
  // would), where a closure per event per socket cost each idle connection a few KiB (issue #14).
  const contexts = new WeakMap<object, SocketContext>();
  const contextOf = (socket: object): SocketContext | undefined => contexts.get(socket);
  const listeners = new Map<string, SharedListener>([
    ...clientEventListeners(
      {
        ...interviewHandlers,
        ...runHandlers(options.runs),
        ...questionHandlers(options.questions),
        ...consoleHandlers,
        ...previewHandlers(options.previews),
      },
      contextOf,
    ),
    [
      YJS_EVENT,
      function (this: object, message: unknown): void {
        const context = contextOf(this);
        if (!context) return;
        try {
          if (!(message instanceof Uint8Array)) throw new AppError('INVALID_MESSAGE', 'Yjs messages must be binary.');
          context.room.handleMessage(context.connection, message);
        } catch (error) {
          context.socket.emit('room:error', toErrorBody(error));
        }
      },
    ],
    [
      NOTES_EVENT,
      function (this: object, message: unknown): void {
        const context = contextOf(this);
        if (context) handleNotesMessage(context, message);
      },
    ],
  ]);
  const route = { listeners, joined: (socket: RoomSocket) => contexts.has(socket) };
  const leaveRoom = function (this: object, reason: unknown): void {
    const context = contextOf(this);
    if (!context) return;
    const { socket, connection } = context;
    rooms.leave(socket.data.sessionId, connection);
    logger.info('participant left', { sessionId: socket.data.sessionId, role: socket.data.role, socketId: socket.id, reason });
  };
  /** `onAny` sees every event before the known ones' listeners; unknown ones are answered here. */
  const answerUnknownEvent = function (this: RoomSocket, event: string, ...args: unknown[]): void {
    if (KNOWN_CLIENT_EVENTS.has(event)) return;
    const error = new AppError('UNKNOWN_EVENT', `Unknown event "${event.slice(0, 64)}".`).toBody();
    const ack = args.at(-1);
    if (typeof ack === 'function') (ack as (result: Ack) => void)({ ok: false, error });
    else this.emit('room:error', error);
  };

  io.on('connection', (socket: RoomSocket) => {
    routeEvents(socket, route, options.eventsPerSecond ?? 200, options.eventBurst ?? 400);
    void handleConnection(socket).catch((error: unknown) => {
      socket.emit('room:error', toErrorBody(error));
      socket.disconnect(true);
    });
  });

  async function handleConnection(socket: RoomSocket): Promise<void> {
    // engine.io keeps the first HTTP request of every connection for its whole life, in the
    // connection and (for a WebSocket upgrade) in its stand-in response; the handshake already
    // copied what we read from it (headers, address), so let it go from both.
    releaseUpgradeRequest(socket.conn.request);
    (socket.conn as { request: unknown }).request = null;
    const { sessionId, role, name } = socket.data;
    // Re-read: the session may have gone between handshake and now.
    const record = await requireSession(sessionId);
    const connection = new SocketConnection(socket);
    // With several nodes, the room is loaded from Redis first so the first sync is complete.
    await rooms.open(record);
    const room = rooms.join(record, connection);
    socket.emit('session:welcome', {
      sessionId,
      generation: record.generation,
      role,
      name,
      protocolVersion: PROTOCOL_VERSION,
      binaryFrames: true,
      presenceUntilDisconnect: true,
    });
    logger.info('participant joined', { sessionId, role, socketId: socket.id });
    // From here on routeEvents hands this socket's events to the shared listeners.
    contexts.set(socket, { socket, room, connection });
    // Interviewer sockets are reachable by who let them in, on every node (the Redis adapter
    // broadcasts to Socket.IO rooms): disabling the member or revoking the guest link drops them.
    const accessRoom = accessRoomOf(socket.data);
    if (accessRoom) void socket.join(accessRoom);
    if (socket.data.via === 'member' && socket.data.memberId) options.onMemberJoined?.(sessionId, socket.data.memberId);
    socket.on('disconnect', leaveRoom);
    socket.onAny(answerUnknownEvent);
  }

  return io;
}

/**
 * Whether the handshake carries the cookie of a signed-in, active member. The cookie counts only
 * from one of the client origins (or a client without Origin, which no browser page is): a
 * WebSocket is not bound by CORS, so a foreign page must not ride a member's cookie into a room.
 */
async function memberOfHandshake(headers: IncomingMessage['headers'], options: RealtimeOptions): Promise<MemberRecord | null> {
  if (!options.identity) return null;
  const cookie = readAuthCookie(headers.cookie);
  if (cookie === undefined) return null;
  const origin = headers.origin;
  if (origin !== undefined && !options.clientOrigins.includes(origin)) return null;
  return (await options.identity.authenticate(cookie))?.member ?? null;
}

/** The Socket.IO room of the sockets one grant let in: a member's, or one interview's guest link. */
function accessRoomOf(data: Pick<SocketData, 'via' | 'memberId' | 'sessionId'>): string | null {
  if (data.via === 'member' && data.memberId) return memberAccessRoom(data.memberId);
  if (data.via === 'guest') return guestAccessRoom(data.sessionId);
  return null;
}
const memberAccessRoom = (memberId: string): string => `member:${memberId}`;
const guestAccessRoom = (sessionId: string): string => `guest:${sessionId}`;

/** Tells the sockets of one access room why, then disconnects them: on every node when Redis links the nodes. */
function dropAccessRoom(io: RoomServer, accessRoom: string, error: AppError): void {
  // Both go out on the adapter's one channel in this order, so the reason arrives before the close.
  io.to(accessRoom).emit('room:error', error.toBody());
  io.in(accessRoom).disconnectSockets(true);
}

/** Disconnects every node's sockets of a member who was just disabled. */
export function dropMemberSockets(io: RoomServer, memberId: string): void {
  dropAccessRoom(
    io,
    memberAccessRoom(memberId),
    new AppError('ACCOUNT_DISABLED', 'This account has been disabled; ask an admin of your team.'),
  );
}

/** Disconnects every node's sockets that joined a session through its guest interviewer link, once the link is revoked. */
export function dropGuestSockets(io: RoomServer, sessionId: string): void {
  dropAccessRoom(
    io,
    guestAccessRoom(sessionId),
    new AppError('GUEST_LINK_REVOKED', 'This interviewer link was revoked; ask the team for access.'),
  );
}

/**
 * engine.io (6.6) answers a WebSocket upgrade through a stand-in response that holds the upgrade
 * request, and keeps that response alive for the connection's whole life through a `close`
 * listener on the TCP socket; so dropping `conn.request` (above) alone frees nothing, and every
 * idle connection keeps its request, raw headers and stream state (0.66 KiB of live heap per
 * connection, bench/heap-per-connection.mjs; issue #14). An engine middleware sees that response; once the connection is up, the response
 * lets go of the request and the TCP socket. The returned function does that for one request.
 */
function keepUpgradeResponses(io: RoomServer): (request: IncomingMessage) => void {
  const upgradeResponses = new WeakMap<IncomingMessage, { req: unknown; socket: unknown }>();
  io.engine.use((request: IncomingMessage, response: unknown, next: () => void) => {
    // Polling requests get Node's real response, which ends with its request anyway.
    if (
      !(response instanceof ServerResponse) &&
      typeof response === 'object' &&
      response !== null &&
      'req' in response &&
      'socket' in response
    ) {
      upgradeResponses.set(request, response as { req: unknown; socket: unknown });
    }
    next();
  });
  return (request) => {
    const response = upgradeResponses.get(request);
    if (!response) return;
    upgradeResponses.delete(request);
    response.req = null;
    response.socket = null;
  };
}

/**
 * A socket as the room sees it. A class, so its methods are shared by every connection rather
 * than three closures each (issue #14: idle connections' memory).
 */
class SocketConnection implements RoomConnection {
  readonly id: string;
  readonly role: Role;
  readonly name: string;

  constructor(private readonly socket: RoomSocket) {
    this.id = socket.id;
    this.role = socket.data.role;
    this.name = socket.data.name;
  }

  send(message: Uint8Array): void {
    // Straight to the engine.io connection as one frame when the client reads frames.
    if (this.socket.data.binaryFrames) this.socket.conn.write(encodeBinaryFrame(YJS_EVENT, message));
    else this.socket.emit(YJS_EVENT, message);
  }

  notify(notice: RoomNotice): void {
    notify(this.socket, notice);
  }

  close(closed: SessionClosed): void {
    this.socket.emit('session:closed', closed);
    this.socket.disconnect(true);
  }
}

/**
 * Drops events past the socket's budget, telling the client at most once a second; then, once the
 * socket has joined its room, hands each known event to its shared listener. Routing here rather
 * than through one `socket.on` per event saves every idle connection an event table of some
 * twenty entries (issue #14). Unknown events fall through (`onAny` answers them), as do events
 * before the join, which nothing listens to yet, as before.
 */
function routeEvents(
  socket: RoomSocket,
  route: { listeners: ReadonlyMap<string, SharedListener>; joined: (socket: RoomSocket) => boolean },
  ratePerSecond: number,
  burst: number,
): void {
  const limiter = new EventRateLimiter(ratePerSecond, burst);
  let lastNotice = 0;
  socket.use((packet, next) => {
    if (limiter.take()) {
      const listener = route.joined(socket) ? route.listeners.get(packet[0]) : undefined;
      if (!listener) {
        next();
        return;
      }
      const args = packet.slice(1);
      // As Socket.IO's own dispatch does after its middlewares: on the next tick, while connected.
      process.nextTick(() => {
        if (socket.connected) listener.apply(socket, args);
      });
      return;
    }
    const error = new AppError('RATE_LIMITED', 'Too many messages; slow down.').toBody();
    const ack = packet.at(-1);
    if (typeof ack === 'function') (ack as (result: Ack) => void)({ ok: false, error });
    else if (Date.now() - lastNotice > 1_000) {
      lastNotice = Date.now();
      socket.emit('room:error', error);
    }
  });
}
