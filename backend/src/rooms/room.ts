import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import {
  AppError,
  LanguageIdSchema,
  MAX_YJS_MESSAGE_BYTES,
  MESSAGE_AWARENESS,
  MESSAGE_SYNC,
  META_KEYS,
  PRESENCE_TIMEOUT_MS,
  ROOM_DOC,
  starterCode,
  type RoomDocumentName,
  type LanguageId,
  type SessionClosed,
} from '@pairpad/protocol';
import { MAX_CLIENT_IDS_PER_CONNECTION, decodeAwarenessUpdate, encodeAwarenessEntries, sanitizeAwarenessUpdate } from './awareness-guard';
import { RoomInterview, type RoomInterviewOptions } from './room-interview';
import { changesWorkspace, removeInvalidFiles, workspaceChange, workspaceProblem } from './workspace-guard';
import type { RoomConnection, RoomNotice } from './room-connection';
import { REMOTE_ORIGIN, runHook, type HookArgs, type RoomExtension } from './room-extension';
import { newDoc } from './new-doc';

/** The workspace's maps (room-shape.ts): a room with nothing in them is a single-file room. */
const WORKSPACE_MAPS = [ROOM_DOC.files, ROOM_DOC.fileTexts, ROOM_DOC.filePaths, ROOM_DOC.folders] as const;

export { REMOTE_ORIGIN } from './room-extension';

/** How often a node vouches for its own participants to the other nodes (y-protocols' renewal period). */
export const PRESENCE_VOUCH_INTERVAL_MS = PRESENCE_TIMEOUT_MS / 2;

/** A connection is asked for missing updates (a SyncStep1) at most this often. */
export const ASK_MISSING_INTERVAL_MS = 1_000;

export interface RoomOptions {
  sessionId: string;
  generation: string;
  /** The session's current language. */
  language: LanguageId;
  /** The language the session started with; decides the seeded starter code. */
  initialLanguage: LanguageId;
  maxDocumentBytes: number;
  /** Side concerns (relay, session touches, persistence, metrics), called through typed hooks. */
  extensions?: readonly RoomExtension[];
  /** Where a throwing hook is reported. */
  onError?: (error: unknown, context: string) => void;
  /** Interview options (timeline limits, clock); `ended` comes from the session record. */
  interview?: Omit<RoomInterviewOptions, 'onEnded' | 'onConsoleControl'>;
}

/**
 * The room's starting content, written by a client id derived from the session generation.
 * Every seeding of the same session yields byte-identical operations, so a room rebuilt after a
 * restart (or on another node) merges with clients' copies instead of duplicating the starter.
 */
export function seedUpdate(generation: string, language: LanguageId): Uint8Array {
  const seed = newDoc();
  seed.clientID = createHash('sha256').update(generation).digest().readUInt32BE(0);
  seed.transact(() => {
    seed.getText(ROOM_DOC.code).insert(0, starterCode(language));
    seed.getMap(ROOM_DOC.meta).set(META_KEYS.language, language);
  });
  const update = Y.encodeStateAsUpdate(seed);
  seed.destroy();
  return update;
}

/**
 * One live interview room: the authoritative Y.Doc, the awareness (presence, cursors) and the
 * connections in it. Knows nothing of the transport: connections are plain `send`/`close`.
 */
export class Room {
  readonly doc = newDoc({ gc: true });
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  /** Lock / run-disable / end, chat, private notes and the timeline of this room. */
  readonly interview: RoomInterview;
  readonly sessionId: string;
  readonly generation: string;
  private readonly connections = new Map<RoomConnection, Set<number>>();
  private readonly awarenessOwner = new Map<number, RoomConnection>();
  private language: LanguageId;
  /** Encoded size of the document, refreshed when it may have grown past the limit. */
  private approximateBytes = 0;
  private destroyed = false;
  private opening: Promise<void> | undefined;
  private readonly extensions: readonly RoomExtension[];
  private lastPresenceVouch = 0;
  /** When each connection was last asked for the updates the document is missing (made when first needed). */
  private askedMissing: WeakMap<RoomConnection, number> | undefined;

  constructor(private readonly options: RoomOptions) {
    this.extensions = options.extensions ?? [];
    this.sessionId = options.sessionId;
    this.generation = options.generation;
    this.language = options.language;
    // The server holds no cursor of its own.
    this.awareness.setLocalState(null);
    // Presence lives as long as its connection (see sweepPresence), so y-protocols' interval,
    // which times out participants who stop renewing, is stopped: one sweep of the room manager
    // serves every room instead of a timer per room.
    clearInterval(this.awareness._checkInterval as NodeJS.Timeout);
    Y.applyUpdate(this.doc, seedUpdate(options.generation, options.initialLanguage), this);
    this.approximateBytes = Y.encodeStateAsUpdate(this.doc).byteLength;
    this.interview = new RoomInterview(this, {
      ...options.interview,
      onEnded: (at) => this.hook('onEnd', [at]),
      onConsoleControl: (jobId, control) => this.hook('onConsoleControl', [jobId, control]),
    });
    this.doc.on('update', this.broadcastUpdate);
    this.interview.state.onUpdate(this.relayInterview);
    this.interview.notes.onUpdate(this.relayNotes);
    this.awareness.on('update', this.broadcastAwareness);
    this.doc.getMap(ROOM_DOC.meta).observe(this.guardMeta);
  }

  /**
   * Loads the room's shared state through its extensions (the relay reads Redis), once:
   * concurrent callers share one promise. Never rejects (a failing load is reported and the
   * room serves what it has).
   */
  open(): Promise<void> {
    this.opening ??= (async () => {
      for (const extension of this.extensions) {
        try {
          await extension.onLoad?.(this);
        } catch (error) {
          this.reportError(error, `${extension.name} onLoad`);
        }
      }
      if (!this.destroyed) this.interview.opened();
    })();
    return this.opening;
  }

  /** The room's documents by relay name (the interview's is made if it rests: prefer `encodeDocument`). */
  document(name: RoomDocumentName): Y.Doc {
    if (name === 'interview') return this.interview.state.doc;
    if (name === 'notes') return this.interview.notes.doc;
    return this.doc;
  }

  /** A document's whole state as one update, without making a resting one. */
  encodeDocument(name: RoomDocumentName): Uint8Array {
    if (name === 'interview') return this.interview.state.encode();
    // Unwritten notes are an empty update (no client's structs, no deletions): the document is not made for it.
    if (name === 'notes') return this.interview.notes.encodeState() ?? new Uint8Array([0, 0]);
    return Y.encodeStateAsUpdate(this.doc);
  }

  /** Whether a document holds relayed updates whose dependencies it has not received. */
  missingUpdates(name: RoomDocumentName): boolean {
    if (name === 'interview') return this.interview.state.missingUpdates;
    if (name === 'notes' && !this.interview.notes.made) return false;
    const { pendingStructs, pendingDs } = this.document(name).store;
    return pendingStructs !== null || pendingDs !== null;
  }

  get size(): number {
    return this.connections.size;
  }

  get code(): string {
    return this.doc.getText(ROOM_DOC.code).toString();
  }

  get currentLanguage(): LanguageId {
    return this.language;
  }

  join(connection: RoomConnection): void {
    if (this.destroyed) throw new AppError('SESSION_NOT_FOUND', 'This interview session has closed.');
    // The join's timeline event and the archive's save at the first join leave an idle room's interview resting.
    this.interview.quietly(() => this.welcome(connection));
  }

  private welcome(connection: RoomConnection): void {
    this.connections.set(connection, new Set());
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    connection.send(encoding.toUint8Array(encoder));
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) connection.send(this.encodeAwareness(states));
    this.interview.joined(connection);
    this.hook('onConnect', [connection]);
  }

  leave(connection: RoomConnection): void {
    if (this.connections.has(connection)) this.interview.quietly(() => this.farewell(connection));
  }

  private farewell(connection: RoomConnection): void {
    const owned = this.connections.get(connection);
    if (!owned) return;
    this.connections.delete(connection);
    this.interview.left(connection);
    this.hook('onDisconnect', [connection]);
    const stillOwned = [...owned].filter((clientId) => this.awarenessOwner.get(clientId) === connection);
    for (const clientId of stillOwned) this.awarenessOwner.delete(clientId);
    if (stillOwned.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, stillOwned, null);
  }

  /**
   * Applies one binary message from a participant. Throws an AppError (and changes nothing)
   * when the message is malformed, too large, or would grow the document past its limit.
   */
  handleMessage(connection: RoomConnection, message: Uint8Array): void {
    if (!this.connections.has(connection)) throw new AppError('NOT_JOINED', 'Join the session before sending edits.');
    if (message.byteLength === 0) throw new AppError('INVALID_MESSAGE', 'Empty message.');
    if (message.byteLength > MAX_YJS_MESSAGE_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', 'Message is too large.');
    try {
      const decoder = decoding.createDecoder(message);
      const type = decoding.readVarUint(decoder);
      if (type === MESSAGE_SYNC) this.handleSync(connection, decoder);
      else if (type === MESSAGE_AWARENESS) this.handleAwareness(connection, decoding.readVarUint8Array(decoder));
      else throw new AppError('INVALID_MESSAGE', `Unknown message type ${type}.`);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('INVALID_MESSAGE', 'Malformed Yjs message.');
    }
  }

  /** Applies an update that another node already accepted (no size check: it is already shared). */
  applyRemoteUpdate(update: Uint8Array, document: RoomDocumentName = 'doc'): void {
    if (this.destroyed) return;
    // Another node's join, leave or save leaves a resting interview resting here too.
    if (document === 'interview') this.interview.quietly(() => Y.applyUpdate(this.interview.state.doc, update, REMOTE_ORIGIN));
    else Y.applyUpdate(this.document(document), update, REMOTE_ORIGIN);
  }

  /** Applies presence relayed from another node; y-protocols' 30 s timeout drops it if that node dies. */
  applyRemoteAwareness(update: Uint8Array): void {
    if (this.destroyed) return;
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REMOTE_ORIGIN);
  }

  /**
   * Presence another node vouches for (its `onPresenceKeepalive`): states we hold at the same
   * clock are marked fresh; states we lack or hold older (dropped by a timeout during a Redis
   * outage, say) are applied again.
   */
  applyRemotePresence(update: Uint8Array, now = Date.now()): void {
    if (this.destroyed) return;
    const missing = decodeAwarenessUpdate(update).filter((entry) => {
      const meta = this.awareness.meta.get(entry.clientId);
      if (meta && meta.clock === entry.clock && this.awareness.states.has(entry.clientId)) {
        meta.lastUpdated = now;
        return false;
      }
      return entry.state !== null && (!meta || meta.clock <= entry.clock);
    });
    if (missing.length === 0) return;
    // y-protocols refuses a state at the clock it already knows: forget that clock first.
    for (const entry of missing) this.awareness.meta.delete(entry.clientId);
    awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(missing), REMOTE_ORIGIN);
    for (const entry of missing) {
      const meta = this.awareness.meta.get(entry.clientId);
      if (meta) meta.lastUpdated = now;
    }
  }

  /**
   * One presence sweep (the room manager runs it for every room, every few seconds). This node's
   * participants are present for as long as they are connected: nothing times their states out
   * (y-protocols' timer is stopped), so clients need not renew them. Presence relayed from other
   * nodes that nobody vouched for within PRESENCE_TIMEOUT_MS (its node died) is removed. Every
   * PRESENCE_VOUCH_INTERVAL_MS this node vouches for its own (`localAwareness`) to the others.
   */
  sweepPresence(now = Date.now()): void {
    if (this.destroyed) return;
    const stale: number[] = [];
    for (const [clientId, meta] of this.awareness.meta) {
      if (this.awareness.states.has(clientId) && !this.awarenessOwner.has(clientId) && now - meta.lastUpdated >= PRESENCE_TIMEOUT_MS)
        stale.push(clientId);
    }
    if (stale.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, stale, 'timeout');
    if (now - this.lastPresenceVouch < PRESENCE_VOUCH_INTERVAL_MS || !this.extensions.some((extension) => extension.onPresenceKeepalive))
      return;
    const presence = this.localAwareness();
    if (!presence) return;
    this.lastPresenceVouch = now;
    this.hook('onPresenceKeepalive', [presence]);
  }

  /** The presence of this node's own participants, for a node that has just loaded the room. */
  localAwareness(): Uint8Array | null {
    const clientIds = [...this.awarenessOwner.keys()].filter((clientId) => this.awareness.getStates().has(clientId));
    return clientIds.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, clientIds) : null;
  }

  /** Sends news to every participant on this node (extensions use it: the archive's saving status). */
  notifyAll(notice: RoomNotice): void {
    for (const connection of this.connections.keys()) connection.notify?.(notice);
  }

  setLanguage(language: LanguageId): void {
    this.doc.getMap(ROOM_DOC.meta).set(META_KEYS.language, language);
  }

  /**
   * Closes every connection with a reason and frees the document. `purge`: the session is gone,
   * so extensions drop the shared state too (a node shutting down leaves it for the others).
   */
  close(closed: SessionClosed, options: { purge: boolean } = { purge: false }): void {
    // Leaves first, so they are recorded (and relayed) before the extensions let go of the room.
    for (const connection of [...this.connections.keys()]) {
      this.leave(connection);
      connection.close(closed);
    }
    // The last edits recorded here go into the shared state before the extensions take it.
    this.interview.flushRecording();
    this.hook('onClose', [options]);
    this.free();
  }

  /** Stops the room without telling its connections (the process is going). */
  destroy(): void {
    if (this.destroyed) return;
    this.interview.flushRecording();
    this.hook('onClose', [{ purge: false }]);
    this.free();
  }

  private free(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.doc.off('update', this.broadcastUpdate);
    this.interview.state.offUpdate(this.relayInterview);
    this.interview.notes.offUpdate(this.relayNotes);
    this.awareness.off('update', this.broadcastAwareness);
    this.interview.destroy();
    this.awareness.destroy();
    this.doc.destroy();
  }

  private handleSync(connection: RoomConnection, decoder: decoding.Decoder): void {
    const syncType = decoding.readVarUint(decoder);
    if (syncType === syncProtocol.messageYjsSyncStep1) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeSyncStep2(encoder, this.doc, decoding.readVarUint8Array(decoder));
      connection.send(encoding.toUint8Array(encoder));
      return;
    }
    if (syncType !== syncProtocol.messageYjsSyncStep2 && syncType !== syncProtocol.messageYjsUpdate) {
      throw new AppError('INVALID_MESSAGE', `Unknown sync message type ${syncType}.`);
    }
    const update = decoding.readVarUint8Array(decoder);
    // Decoding first proves the update is well-formed before anything touches the document.
    const decoded = Y.decodeUpdate(update);
    // Locked (candidates) or ended (everyone): refused with a named error, the document untouched.
    this.interview.assertCanUpdate(connection, update);
    if (!this.typingOnly(decoded.structs)) this.assertWorkspaceUpdate(connection, update);
    if (this.approximateBytes + update.byteLength > this.options.maxDocumentBytes) {
      this.approximateBytes = Y.encodeStateAsUpdate(this.doc).byteLength;
      if (this.approximateBytes + update.byteLength > this.options.maxDocumentBytes) {
        throw new AppError('PAYLOAD_TOO_LARGE', `The document would exceed its limit of ${this.options.maxDocumentBytes} bytes.`);
      }
    }
    Y.applyUpdate(this.doc, update, connection);
    this.approximateBytes += update.byteLength;
    this.askForMissing(connection);
  }

  /**
   * Typing in a single-file room (the per-keystroke case): the workspace's maps hold nothing and
   * the update only inserts text (Yjs writes a map entry as ContentAny or ContentType, never as
   * ContentString) and deletes, so it can add, remove or rename no file, and a single-file room
   * has no workspace byte limit: the workspace guard, which decodes the update again and looks up
   * every inserted item's origin, has nothing to find.
   */
  private typingOnly(structs: ReadonlyArray<Y.Item | Y.GC | Y.Skip>): boolean {
    for (const name of WORKSPACE_MAPS) {
      const map = this.doc.share.get(name);
      if (map && map._map.size > 0) return false;
    }
    for (const struct of structs) if (struct instanceof Y.Item && !(struct.content instanceof Y.ContentString)) return false;
    return true;
  }

  /**
   * File operations arrive as updates of the workspace's maps (fileTexts, filePaths, folders): one
   * that writes a bad path or id, a non-text file, anything into the old-shape map, or goes past
   * the file or folder count or the workspace's bytes, is refused whole
   * with the named code (WORKSPACE_*), the document untouched; so is any file operation the
   * permission policy refuses ('files').
   */
  private assertWorkspaceUpdate(connection: RoomConnection, update: Uint8Array): void {
    const change = workspaceChange(this.doc, update);
    if (changesWorkspace(change)) this.interview.assert('files', connection.role);
    const problem = workspaceProblem(this.doc, change);
    if (problem) throw new AppError(problem.code, problem.message);
  }

  /**
   * An update whose dependencies the document lacks is held in its store, unapplied: nothing of
   * it (nor of anything built on it) reaches the others or Redis. The sender has what is missing
   * (its edits depend on it), so it is asked with a SyncStep1, which it answers with a SyncStep2;
   * at most once per ASK_MISSING_INTERVAL_MS per connection.
   */
  private askForMissing(connection: RoomConnection, now = Date.now()): void {
    const { pendingStructs, pendingDs } = this.doc.store;
    if (pendingStructs === null && pendingDs === null) return;
    this.askedMissing ??= new WeakMap();
    if (now - (this.askedMissing.get(connection) ?? 0) < ASK_MISSING_INTERVAL_MS) return;
    this.askedMissing.set(connection, now);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    connection.send(encoding.toUint8Array(encoder));
  }

  private handleAwareness(connection: RoomConnection, update: Uint8Array): void {
    const owned = this.connections.get(connection);
    if (!owned) return;
    const sanitized = sanitizeAwarenessUpdate(update, connection.role);
    const newIds = sanitized.clientIds.filter((clientId) => !owned.has(clientId));
    if (owned.size + newIds.length > MAX_CLIENT_IDS_PER_CONNECTION) {
      throw new AppError('INVALID_MESSAGE', 'Too many awareness clients on one connection.');
    }
    // A reconnecting client may reuse its id before its old connection is noticed as gone:
    // the newest connection takes the id over.
    for (const clientId of sanitized.clientIds) {
      owned.add(clientId);
      this.awarenessOwner.set(clientId, connection);
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, sanitized.update, connection);
    this.hook('onActivity', []);
  }

  private encodeAwareness(clientIds: number[]): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clientIds));
    return encoding.toUint8Array(encoder);
  }

  private readonly broadcastUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction): void => {
    this.guardFiles(transaction);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, update);
    const message = encoding.toUint8Array(encoder);
    for (const connection of this.connections.keys()) {
      if (connection !== origin) connection.send(message);
    }
    if (origin !== REMOTE_ORIGIN) this.hook('onLocalUpdate', ['doc', update]);
    this.hook('onActivity', []);
  };

  private readonly relayInterview = (update: Uint8Array, origin: unknown): void => {
    if (origin !== REMOTE_ORIGIN) this.hook('onLocalUpdate', ['interview', update]);
  };

  private readonly relayNotes = (update: Uint8Array, origin: unknown): void => {
    if (origin !== REMOTE_ORIGIN) this.hook('onLocalUpdate', ['notes', update]);
  };

  private hook<K extends Parameters<typeof runHook>[1]>(hook: K, args: HookArgs<K>): void {
    if (this.extensions.length > 0) runHook(this.extensions, hook, this, args, (error, context) => this.reportError(error, context));
  }

  private reportError(error: unknown, context: string): void {
    this.options.onError?.(error, context);
  }

  private readonly broadcastAwareness = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0) return;
    const message = this.encodeAwareness(changed);
    for (const connection of this.connections.keys()) {
      if (connection !== origin) connection.send(message);
    }
    // Every node times out stale presence itself, so a timeout is not news for the others.
    if (origin !== REMOTE_ORIGIN && origin !== 'timeout' && this.extensions.some((extension) => extension.onLocalAwareness)) {
      this.hook('onLocalAwareness', [awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed)]);
    }
  };

  /**
   * Whoever wrote it (a relayed update, the server): the workspace's maps hold only what readers
   * expect. Checked from the update's transaction rather than by observers, so a single-file room
   * never makes the maps (an idle room's memory, issue 21); the fix-up is an update of its own
   * after this one, as an observer's was.
   */
  private guardFiles(transaction: Y.Transaction): void {
    for (const name of WORKSPACE_MAPS) {
      const map = this.doc.share.get(name);
      const changed = map ? transaction.changed.get(map) : undefined;
      if (changed && changed.size > 0) {
        removeInvalidFiles(this.doc);
        return;
      }
    }
  }

  /** Keeps `meta.language` valid whoever wrote it, and reports real changes. */
  private readonly guardMeta = (event: Y.YMapEvent<unknown>): void => {
    if (!event.keysChanged.has(META_KEYS.language)) return;
    const meta = this.doc.getMap(ROOM_DOC.meta);
    const parsed = LanguageIdSchema.safeParse(meta.get(META_KEYS.language));
    if (!parsed.success) {
      meta.set(META_KEYS.language, this.language);
      return;
    }
    if (parsed.data !== this.language) {
      this.language = parsed.data;
      this.hook('onLanguageChange', [parsed.data]);
    }
  };
}
