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
    this.socket.on('connect', () => this.setStatus('connecting'));
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
    this.setStatus('connected');
    this.emit('welcome', [welcome]);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    this.send(encoder);
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
      .filter(([clientId, meta]) => clientId !== this.doc.clientID && now - meta.lastUpdated >= PRESENCE_TIMEOUT_MS && this.awareness.states.has(clientId))
      .map(([clientId]) => clientId);
    if (outdated.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, outdated, 'timeout');
  };

  private readonly handleMessage = (message: ArrayBuffer | Uint8Array): void => {
    const decoder = decoding.createDecoder(message instanceof Uint8Array ? message : new Uint8Array(message));
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_SYNC) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      const syncType = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
      if (syncType === syncProtocol.messageYjsSyncStep2) this.setSynced(true);
      if (encoding.length(encoder) > 1) this.send(encoder);
    } else if (type === MESSAGE_AWARENESS) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
    }
  };

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

  private readonly handleDisconnect = (): void => {
    // The next server (a new node, or an older version) says again what it reads.
    this.serverReadsFrames = false;
    this.setSynced(false);
    // Remote cursors are stale once we are cut off; the server resends them on reconnect.
    const remote = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
    awarenessProtocol.removeAwarenessStates(this.awareness, remote, this);
    if (this.status === 'closed' || this.status === 'offline' || this.reconnectTimer) return;
    this.setStatus(this.socket.active ? 'reconnecting' : 'offline');
  };

  private readonly handleConnectError = (error: Error & { data?: Partial<ErrorBody> }): void => {
    const code = error.data?.code;
    if (code && FATAL_CONNECT_CODES.has(code)) {
      this.socket.disconnect();
      this.setStatus('closed');
      this.emit('error', [{ code, message: error.data?.message ?? error.message, fatal: true }]);
      return;
    }
    if (this.status !== 'closed' && this.status !== 'offline') {
      this.setStatus(this.generation ? 'reconnecting' : 'connecting');
    }
  };

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
