/**
 * The client side of the room: keeps a Y.Doc and an Awareness in sync with the server over one
 * Socket.IO connection. Used by the browser and by the backend's integration tests alike, so the
 * tests exercise exactly what users run.
 *
 * Sync model (y-protocols): on every (re)connect both sides send SyncStep1 (their state vector)
 * and answer the other's with SyncStep2 (what it lacks), so edits made while offline merge.
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { ObservableV2 } from 'lib0/observable';
// Only zod-free modules at runtime: this file ships in the browser's room bundle.
import { PROTOCOL_VERSION, SOCKET_PATH, YJS_EVENT } from '@pairpad/protocol/wire';
import { MESSAGE_AWARENESS, MESSAGE_SYNC, PRESENCE_TIMEOUT_MS } from '@pairpad/protocol/yjs-messages';
import { FRAMES_QUERY, binaryFrameParser, encodeBinaryFrame } from '@pairpad/protocol/binary-frames';
import type {
  Ack,
  ClientEventAck,
  ClientEventName,
  ClientEventPayload,
  ClientToServerEvents,
  ErrorBody,
  ErrorCode,
  LanguageId,
  Role,
  ServerToClientEvents,
  SessionClosed,
  Welcome,
} from '@pairpad/protocol';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'closed';

export interface SocketYjsProviderOptions {
  /** Backend origin, e.g. http://localhost:5000. */
  url: string;
  sessionId: string;
  name: string;
  token?: string;
  doc?: Y.Doc;
  /** Connect in the constructor (default true). */
  connect?: boolean;
  /** Extra Socket.IO options (tests shorten reconnection delays). */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
  /** Milliseconds to wait for an ack before failing a request (default 10 s). */
  ackTimeoutMs?: number;
}

type ProviderEvents = {
  status: (status: ConnectionStatus) => void;
  synced: (synced: boolean) => void;
  welcome: (welcome: Welcome) => void;
  /** A fatal error (the provider stops reconnecting) or a refused message. */
  error: (error: ErrorBody & { fatal: boolean }) => void;
  closed: (closed: SessionClosed) => void;
};

/** Handshake refusals that retrying cannot fix. */
const FATAL_CONNECT_CODES: ReadonlySet<ErrorCode> = new Set([
  'SESSION_NOT_FOUND',
  'SESSION_GENERATION_MISMATCH',
  'SESSION_ENDED',
  'UNAUTHORIZED',
  'VALIDATION_FAILED',
  'INVALID_SESSION_ID',
]);

interface NetworkEvents {
  addEventListener(type: 'online' | 'offline', listener: () => void): void;
  removeEventListener(type: 'online' | 'offline', listener: () => void): void;
}

/** The page's window in a browser; null under Node (tests), where there are no network events. */
function browserWindow(): NetworkEvents | null {
  return (globalThis as { window?: NetworkEvents }).window ?? null;
}

/** Pause before rejoining a server that announced it is shutting down. */
const SHUTDOWN_RECONNECT_DELAY_MS = 1_000;

/**
 * Retries after a handshake refused for a temporary reason (Redis down, room full, a server
 * error). socket.io-client 4.8 does not retry after a middleware refusal (`connect_error` with
 * `data`): the socket goes inactive while its connection stays up, so the manager never
 * reconnects (backend/test/realtime/refused-reconnect.test.ts shows it). Exponential, with
 * jitter so a node's clients do not come back in one burst.
 */
const REFUSED_RETRY_BASE_MS = 500;
const REFUSED_RETRY_MAX_MS = 10_000;

/**
 * A reconnect refused with SESSION_NOT_FOUND is retried for this long before the session is
 * taken as gone: after a Redis restart without persistence, the nodes that still hold the room
 * write its record back within a moment of Redis answering again (docs/scaling.md), and a
 * reconnect may land in between.
 */
const NOT_FOUND_GRACE_MS = 10_000;

/** One SyncStep1 at most this often when we hold updates whose dependencies we lack. */
const ASK_MISSING_INTERVAL_MS = 1_000;

export type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How often y-protocols checks presence (its outdatedTimeout / 10); only for an older server. */
const PRESENCE_CHECK_MS = PRESENCE_TIMEOUT_MS / 10;

export class SocketYjsProvider extends ObservableV2<ProviderEvents> {
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  readonly socket: RoomSocket;
  status: ConnectionStatus = 'connecting';
  synced = false;
  role: Role | null = null;
  /** The session generation this document belongs to, learnt from the first welcome. */
  generation: string | null = null;
  private readonly ackTimeoutMs: number;
  /** The server said (in this connection's welcome) that it reads binary frames. */
  private serverReadsFrames = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  /** The server keeps presence while we are connected (this connection's welcome said so). */
  private serverKeepsPresence = false;
  private readonly presenceTimer: ReturnType<typeof setInterval>;
  /**
   * The server's state vector from this connection's SyncStep1, kept until the welcome: the
   * answer goes out then, computed at that moment, so an edit made between the server's request
   * and the welcome (when edits are not sent one by one yet) is in it.
   */
  private serverStateVector: Uint8Array | null = null;
  /** Refused handshakes and failed joins since the last welcome, for the retry backoff. */
  private refusedAttempts = 0;
  /** When a reconnect was first refused with SESSION_NOT_FOUND (0: not now). */
  private notFoundSince = 0;
  private lastAskedMissing = 0;

  constructor(private readonly options: SocketYjsProviderOptions) {
    super();
    this.doc = options.doc ?? new Y.Doc();
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    // y-protocols renews our presence every 15 s and times out others' after 30 s, a message per
    // participant per 15 s for nothing when the server keeps presence while connected. Its timer
    // is replaced by one that does the same only for an older server (see renewPresenceForOlderServer).
    clearInterval(this.awareness._checkInterval as ReturnType<typeof setInterval>);
    this.presenceTimer = setInterval(this.renewPresenceForOlderServer, PRESENCE_CHECK_MS);
    (this.presenceTimer as { unref?: () => void }).unref?.();
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.socket = io(options.url, {
      path: SOCKET_PATH,
      transports: ['websocket', 'polling'],
      autoConnect: false,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5_000,
      // Reads the server's one-frame Yjs messages (and everything else as Socket.IO does), and
      // says so in the query.
      parser: binaryFrameParser,
      query: FRAMES_QUERY,
      // The sign-in cookie rides along on the handshake: a signed-in member joins as interviewer.
      withCredentials: true,
      // A function, so every reconnect carries the generation learnt at the first join.
      auth: (callback) =>
        callback({
          sessionId: options.sessionId,
          name: options.name,
          ...(options.token ? { token: options.token } : {}),
          ...(this.generation ? { generation: this.generation } : {}),
          protocolVersion: PROTOCOL_VERSION,
        }),
      ...options.socketOptions,
    });
    this.doc.on('update', this.handleDocUpdate);
    this.awareness.on('update', this.handleAwarenessUpdate);
    this.socket.on('connect', () => {
      this.notFoundSince = 0;
      this.setStatus('connecting');
    });
    this.socket.on('session:welcome', this.handleWelcome);
    this.socket.on(YJS_EVENT, this.handleMessage);
    this.socket.on('disconnect', this.handleDisconnect);
    this.socket.on('connect_error', this.handleConnectError);
    this.socket.on('session:closed', this.handleClosed);
    this.socket.on('room:error', (error) => this.emit('error', [{ ...error, fatal: false }]));
    // In a browser, say "offline" as soon as the network is gone instead of after a timeout.
    browserWindow()?.addEventListener('offline', this.handleBrowserOffline);
    browserWindow()?.addEventListener('online', this.handleBrowserOnline);
    if (options.connect !== false) this.connect();
  }

  get connected(): boolean {
    return this.status === 'connected';
  }

  connect(): void {
    if (this.status === 'closed') return;
    this.setStatus(this.generation ? 'reconnecting' : 'connecting');
    this.socket.connect();
  }

  /** Goes offline on purpose; local edits keep accumulating and merge on `connect()`. */
  disconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.socket.disconnect();
    this.setStatus(this.status === 'closed' ? 'closed' : 'offline');
  }

  setLanguage(language: LanguageId): Promise<Ack> {
    return this.request('room:set-language', { language });
  }

  /**
   * Sends one event of the protocol table (`CLIENT_EVENTS`) and resolves with the server's ack,
   * typed from the same table (or a timeout error as an ack).
   */
  async request<E extends ClientEventName>(event: E, payload: ClientEventPayload<E>): Promise<Ack<ClientEventAck<E>>> {
    try {
      // Socket.IO's timeout() typing cannot follow a generic event name; the table fixes both ends.
      const emitter = this.socket.timeout(this.ackTimeoutMs) as unknown as {
        emitWithAck(event: E, payload: ClientEventPayload<E>): Promise<Ack<ClientEventAck<E>>>;
      };
      return await emitter.emitWithAck(event, payload);
    } catch {
      return { ok: false, error: { code: 'ACK_TIMEOUT', message: 'The server did not answer in time.' } };
    }
  }

  override destroy(): void {
    clearTimeout(this.reconnectTimer);
    clearInterval(this.presenceTimer);
    browserWindow()?.removeEventListener('offline', this.handleBrowserOffline);
    browserWindow()?.removeEventListener('online', this.handleBrowserOnline);
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'local');
    this.doc.off('update', this.handleDocUpdate);
    this.awareness.off('update', this.handleAwarenessUpdate);
    this.socket.removeAllListeners();
    this.socket.disconnect();
    this.awareness.destroy();
    super.destroy();
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit('status', [status]);
  }

  private setSynced(synced: boolean): void {
    if (this.synced === synced) return;
    this.synced = synced;
    this.emit('synced', [synced]);
  }

  private send(encoder: encoding.Encoder): void {
    const message = encoding.toUint8Array(encoder);
    // A frame goes straight to the engine.io connection, so only while it is up; otherwise the
    // emit is buffered by Socket.IO until the reconnect, as before.
    if (this.serverReadsFrames && this.socket.connected) this.socket.io.engine.write(encodeBinaryFrame(YJS_EVENT, message));
    else this.socket.emit(YJS_EVENT, message);
  }

  private readonly handleWelcome = (welcome: Welcome): void => {
    this.serverReadsFrames = welcome.binaryFrames === true;
    this.serverKeepsPresence = welcome.presenceUntilDisconnect === true;
    this.generation = welcome.generation;
    this.role = welcome.role;
    // First what the server lacks, as of now (see serverStateVector), then our own request.
    const step2 = encoding.createEncoder();
    encoding.writeVarUint(step2, MESSAGE_SYNC);
    encoding.writeVarUint(step2, syncProtocol.messageYjsSyncStep2);
    encoding.writeVarUint8Array(step2, Y.encodeStateAsUpdate(this.doc, this.serverStateVector ?? undefined));
    this.serverStateVector = null;
    this.send(step2);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    this.send(encoder);
    // Connected only once the state is on its way: from here on every edit goes out by itself.
    this.refusedAttempts = 0;
    this.setStatus('connected');
    this.emit('welcome', [welcome]);
    // Announced with a new clock: a server that saw this client id before (we reconnected) ignores
    // a state at the clock it already knows, and nobody renews it any more.
    const presence = this.awareness.getLocalState();
    if (presence !== null) this.awareness.setLocalState(presence);
  };

  /** For a server that times presence out: y-protocols' own keep-alive, which its timer did. */
  private readonly renewPresenceForOlderServer = (): void => {
    if (this.serverKeepsPresence) return;
    const now = Date.now();
    const local = this.awareness.getLocalState();
    const ownMeta = this.awareness.meta.get(this.doc.clientID);
    if (local !== null && ownMeta && now - ownMeta.lastUpdated >= PRESENCE_TIMEOUT_MS / 2) this.awareness.setLocalState(local);
    const outdated = [...this.awareness.meta]
      .filter(
        ([clientId, meta]) =>
          clientId !== this.doc.clientID && now - meta.lastUpdated >= PRESENCE_TIMEOUT_MS && this.awareness.states.has(clientId),
      )
      .map(([clientId]) => clientId);
    if (outdated.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, outdated, 'timeout');
  };

  private readonly handleMessage = (message: ArrayBuffer | Uint8Array): void => {
    const decoder = decoding.createDecoder(message instanceof Uint8Array ? message : new Uint8Array(message));
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_SYNC) {
      const syncType = decoding.readVarUint(decoder);
      if (syncType === syncProtocol.messageYjsSyncStep1) {
        const stateVector = decoding.readVarUint8Array(decoder);
        // Before the welcome, edits are not sent one by one: answer at the welcome (see serverStateVector).
        if (!this.connected) this.serverStateVector = stateVector;
        else this.send(this.encodeStep2(stateVector));
        return;
      }
      if (syncType !== syncProtocol.messageYjsSyncStep2 && syncType !== syncProtocol.messageYjsUpdate) return;
      Y.applyUpdate(this.doc, decoding.readVarUint8Array(decoder), this);
      if (syncType === syncProtocol.messageYjsSyncStep2) this.setSynced(true);
      this.askForMissing();
    } else if (type === MESSAGE_AWARENESS) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
    }
  };

  private encodeStep2(stateVector: Uint8Array): encoding.Encoder {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
    encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(this.doc, stateVector));
    return encoder;
  }

  /**
   * Updates whose dependencies we lack wait in the document's store, invisible: ask the server
   * for what is missing (a SyncStep1 it answers with a SyncStep2), at most once a second.
   */
  private askForMissing(): void {
    const { pendingStructs, pendingDs } = this.doc.store;
    if ((pendingStructs === null && pendingDs === null) || !this.connected) return;
    const now = Date.now();
    if (now - this.lastAskedMissing < ASK_MISSING_INTERVAL_MS) return;
    this.lastAskedMissing = now;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    this.send(encoder);
  }

  private readonly handleDocUpdate = (update: Uint8Array, origin: unknown): void => {
    // Updates that came from the server are not echoed; offline edits wait for the next sync.
    if (origin === this || !this.connected) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, update);
    this.send(encoder);
  };

  private readonly handleAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === this) {
      // Gone (a leave, a timeout, our own disconnect): forget their clocks too. Nobody renews
      // presence, so a state that comes back (the server's copy after our reconnect, a node
      // vouching again after an outage) comes back at the clock it had, which y-protocols would
      // otherwise ignore as old news.
      for (const clientId of removed) if (clientId !== this.doc.clientID) this.awareness.meta.delete(clientId);
      return;
    }
    if (!this.connected) return;
    this.send(this.encodeAwareness([...added, ...updated, ...removed]));
  };

  private encodeAwareness(clients: number[]): encoding.Encoder {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients));
    return encoder;
  }

  private browserOffline = false;

  private readonly handleBrowserOffline = (): void => {
    if (this.status === 'closed' || this.status === 'offline') return;
    this.browserOffline = true;
    this.setStatus('offline');
  };

  private readonly handleBrowserOnline = (): void => {
    if (!this.browserOffline) return;
    this.browserOffline = false;
    if (this.status !== 'offline') return;
    if (this.socket.connected && this.generation) {
      // The link outlived the outage (its heartbeat had not timed out yet): edits typed meanwhile
      // were held back, so push the whole state (the server keeps only what it lacks) and ask for
      // what we missed.
      this.setStatus('connected');
      this.sendFullSync();
      return;
    }
    this.setStatus('reconnecting');
    if (!this.socket.connected) this.socket.connect();
  };

  private sendFullSync(): void {
    const step1 = encoding.createEncoder();
    encoding.writeVarUint(step1, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(step1, this.doc);
    this.send(step1);
    const state = encoding.createEncoder();
    encoding.writeVarUint(state, MESSAGE_SYNC);
    syncProtocol.writeUpdate(state, Y.encodeStateAsUpdate(this.doc));
    this.send(state);
    if (this.awareness.getLocalState() !== null) this.send(this.encodeAwareness([this.doc.clientID]));
  }

  private readonly handleDisconnect = (reason: string): void => {
    // The next server (a new node, or an older version) says again what it reads.
    this.serverReadsFrames = false;
    this.serverStateVector = null;
    this.setSynced(false);
    // Remote cursors are stale once we are cut off; the server resends them on reconnect.
    const remote = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
    awarenessProtocol.removeAwarenessStates(this.awareness, remote, this);
    if (this.status === 'closed' || this.status === 'offline' || this.reconnectTimer) return;
    if (reason === 'io server disconnect') {
      // Let in, then dropped because the join failed (its store could not answer, say): like a
      // refused handshake, socket.io-client does not come back by itself. A closed session or a
      // shutdown says so first (session:closed), so it never gets here.
      this.setStatus('reconnecting');
      this.retryRefused(undefined);
      return;
    }
    this.setStatus(this.socket.active ? 'reconnecting' : 'offline');
  };

  private readonly handleConnectError = (error: Error & { data?: Partial<ErrorBody> }): void => {
    const code = error.data?.code;
    if (code && FATAL_CONNECT_CODES.has(code) && !this.withinNotFoundGrace(code)) {
      this.socket.disconnect();
      this.setStatus('closed');
      this.emit('error', [{ code, message: error.data?.message ?? error.message, fatal: true }]);
      return;
    }
    if (this.status === 'closed' || this.status === 'offline') return;
    this.setStatus(this.generation ? 'reconnecting' : 'connecting');
    // A transport failure is retried by socket.io-client itself (the socket stays active); a
    // refusal by the server's middleware is not, so we retry it.
    if (!this.socket.active && !this.reconnectTimer) this.retryRefused(code);
  };

  /** A reconnect refused with SESSION_NOT_FOUND counts as temporary for NOT_FOUND_GRACE_MS. */
  private withinNotFoundGrace(code: ErrorCode): boolean {
    if (code !== 'SESSION_NOT_FOUND' || !this.generation) return false;
    const now = Date.now();
    if (this.notFoundSince === 0) this.notFoundSince = now;
    return now - this.notFoundSince < NOT_FOUND_GRACE_MS;
  }

  private retryRefused(code: ErrorCode | undefined): void {
    const ceiling = Math.min(REFUSED_RETRY_MAX_MS, REFUSED_RETRY_BASE_MS * 2 ** this.refusedAttempts);
    // Somewhere between half the ceiling and the ceiling ("equal jitter").
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    this.refusedAttempts += 1;
    this.emit('error', [
      {
        code: code ?? 'INTERNAL_ERROR',
        message: `The server could not take us back yet; retrying in ${Math.ceil(delay / 1000)} s.`,
        fatal: false,
      },
    ]);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.status === 'reconnecting' || this.status === 'connecting') this.socket.connect();
    }, delay);
  }

  private readonly handleClosed = (closed: SessionClosed): void => {
    if (closed.reason === 'shutdown') {
      // The server is restarting (or this node is going away behind a load balancer): keep the
      // document and come back; the next handshake tells whether the session survived.
      this.setStatus('reconnecting');
      // The timer is set before disconnecting so the disconnect handler knows a rejoin is planned.
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = undefined;
        if (this.status === 'reconnecting') this.socket.connect();
      }, SHUTDOWN_RECONNECT_DELAY_MS);
      this.socket.disconnect();
      return;
    }
    this.setStatus('closed');
    this.socket.disconnect();
    this.emit('closed', [closed]);
  };
}
