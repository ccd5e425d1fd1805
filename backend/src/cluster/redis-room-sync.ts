/**
 * Keeps each room's Y.Doc the same on every backend node, through Redis, and keeps the document
 * in Redis so any node can load any room and a node's death loses nothing.
 *
 * A room has three replicated documents (`ROOM_DOCUMENTS`): the shared document, the server-only
 * interview state (lock, end, chat, runs, timeline) and the private notes. Each is relayed and
 * stored the same way, so every node applies the same state and a restart loses none of it.
 *
 * Data layout, for prefix P, a room's session id S and generation G (so a recreated session
 * never sees the old document), and D = '' for the shared document, ':interview' or ':notes':
 *   P room:S:G D:snapshot   string: one merged Yjs update (the compacted past)
 *   P room:S:G D:updates    list: Yjs updates appended since the snapshot, oldest first
 *   P room:S:G D:lock       compaction lock (SET NX PX)
 *   P room:S:G              pub/sub channel: [kind][node id][payload] for updates of each
 *                           document, awareness updates, "send me your presence" requests
 *                           and presence keep-alives (participants on a node stay present
 *                           while it vouches for them every 15 s)
 * The keys expire with the session TTL (refreshed by every append and by session touches) and
 * are deleted when the session is removed.
 *
 * Depends on `RoomSyncRedis`, not on a Redis client library: the composition root adapts one.
 */
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { ROOM_DOCUMENTS, type RoomDocumentName } from '@pairpad/protocol';
import type { Room } from '../rooms';
import type { RoomExtension } from '../rooms';

/** What the relay needs from Redis. Replies keep binary values as Buffers. */
export interface RoomSyncRedis {
  /** Runs a Lua script (EVALSHA, falling back to EVAL) and resolves with its reply. */
  script(lua: string, keys: string[], args: Array<string | number | Uint8Array>): Promise<unknown>;
  publish(channel: string, message: Buffer): Promise<unknown>;
  subscribe(channels: string[]): Promise<void>;
  unsubscribe(channels: string[]): Promise<void>;
}

export interface RoomSyncLogger {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
}

export interface RedisRoomSyncOptions {
  /** Commands (the relay never subscribes on it). */
  redis: RoomSyncRedis;
  /** A connection in subscriber mode; messages arrive through `handleMessage`. */
  subscriber: RoomSyncRedis;
  /** @default 'pairpad:' */
  keyPrefix?: string;
  /** Room keys live this long after the last append or touch (the session TTL). */
  ttlSeconds: number;
  /** Compact once the update list has this many entries. @default 200 */
  compactAfterUpdates?: number;
  /** Also compact rooms this node wrote to, this often. @default 60 s */
  compactIntervalMs?: number;
  /** Room keys are refreshed at most this often per room while it is active. @default 30 s */
  touchIntervalMs?: number;
  logger?: RoomSyncLogger;
}

const KIND_AWARENESS = 1;
/** A node that just loaded the room asks the others for their participants' presence. */
const KIND_AWARENESS_QUERY = 2;
/** A node vouches for its participants' presence (`onPresenceKeepalive`); older nodes ignore the kind. */
const KIND_PRESENCE = 5;
/** Frame kinds of each document's updates. */
const UPDATE_KIND: Record<RoomDocumentName, number> = { doc: 0, interview: 3, notes: 4 };
const DOCUMENT_OF_KIND = new Map<number, RoomDocumentName>(ROOM_DOCUMENTS.map((name) => [UPDATE_KIND[name], name]));
const NODE_ID_BYTES = 16;
const COMPACT_LOCK_MS = 10_000;
/** A room holding relayed updates it cannot apply reloads from Redis at most this often. */
const RELOAD_MISSING_INTERVAL_MS = 1_000;

/** KEYS: snapshot, updates. Both at once, so a compaction can never fall between the two reads. */
const LOAD = `return { redis.call('GET', KEYS[1]), redis.call('LRANGE', KEYS[2], 0, -1) }`;

/**
 * KEYS: updates, snapshot. ARGV: update, channel, message, ttl ms. Returns the list's length.
 * The expiry is set when the list is (re)created; while the room lives, TOUCH (on joins and the
 * throttled activity) renews it, so a keystroke costs one RPUSH and one PUBLISH, not four calls.
 */
const APPEND = `local length = redis.call('RPUSH', KEYS[1], ARGV[1])
if length == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return length`;

/** KEYS: every key to keep. ARGV: ttl ms. */
const TOUCH = `for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ARGV[1]) end
return 1`;

/** KEYS: every key of the room. */
const PURGE = `return redis.call('DEL', unpack(KEYS))`;

/** KEYS: lock, snapshot, updates. ARGV: token, lock ms. Takes the lock and reads the state to merge. */
const COMPACT_BEGIN = `if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end
return { redis.call('GET', KEYS[2]), redis.call('LRANGE', KEYS[3], 0, -1) }`;

/**
 * KEYS: lock, snapshot, updates. ARGV: token, merged snapshot, how many updates it includes, ttl ms.
 * Writes only if this node still holds the lock: appends only add at the tail, so the first k
 * entries are exactly the ones merged.
 */
const COMPACT_COMMIT = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[4])
redis.call('LTRIM', KEYS[3], tonumber(ARGV[3]), -1)
redis.call('DEL', KEYS[1])
return 1`;

interface DocumentKeys {
  snapshot: string;
  updates: string;
  lock: string;
}

interface RoomKeys extends DocumentKeys {
  channel: string;
  documents: Record<RoomDocumentName, DocumentKeys>;
}

interface AttachedDocument {
  name: RoomDocumentName;
  keys: DocumentKeys;
  /** This node appended since its last compaction check. */
  dirty: boolean;
  /** An append failed: the whole local state is appended again once Redis answers. */
  needsRepublish: boolean;
  compacting: boolean;
}

interface Attached {
  room: Room;
  keys: RoomKeys;
  documents: Record<RoomDocumentName, AttachedDocument>;
  lastTouch: number;
  /** When the room last reloaded because relayed updates lacked their dependencies. */
  lastMissingReload: number;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toBuffer(value: unknown): Buffer | null {
  return Buffer.isBuffer(value) ? value : null;
}

export class RedisRoomSync implements RoomExtension {
  readonly name = 'redis-relay';
  /** Messages carry it so a node ignores its own echo. */
  readonly nodeId: Buffer = Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
  private readonly rooms = new Map<string, Attached>();
  private readonly byChannel = new Map<string, Attached>();
  private readonly prefix: string;
  private readonly compactAfter: number;
  private readonly compactTimer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: RedisRoomSyncOptions) {
    this.prefix = options.keyPrefix ?? 'pairpad:';
    this.compactAfter = options.compactAfterUpdates ?? 200;
    this.compactTimer = setInterval(() => this.compactDirty(), options.compactIntervalMs ?? 60_000);
    this.compactTimer.unref();
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  keysOf(sessionId: string, generation: string): RoomKeys {
    const base = `${this.prefix}room:${sessionId}:${generation}`;
    const of = (suffix: string): DocumentKeys => ({
      snapshot: `${base}${suffix}:snapshot`,
      updates: `${base}${suffix}:updates`,
      lock: `${base}${suffix}:lock`,
    });
    const documents = { doc: of(''), interview: of(':interview'), notes: of(':notes') };
    return { ...documents.doc, channel: base, documents };
  }

  // RoomExtension hooks.
  onLoad(room: Room): Promise<void> {
    return this.attach(room);
  }

  onClose(room: Room, options: { purge: boolean }): void {
    this.detach(room, options);
  }

  onLocalUpdate(room: Room, document: RoomDocumentName, update: Uint8Array): void {
    this.localUpdate(room, update, document);
  }

  onLocalAwareness(room: Room, update: Uint8Array): void {
    this.localAwareness(room, update);
  }

  onPresenceKeepalive(room: Room, presence: Uint8Array): void {
    const attached = this.rooms.get(this.mapKey(room));
    if (attached && attached.room === room) this.send(attached, KIND_PRESENCE, presence);
  }

  onActivity(room: Room): void {
    const attached = this.rooms.get(this.mapKey(room));
    if (!attached || Date.now() - attached.lastTouch < (this.options.touchIntervalMs ?? 30_000)) return;
    this.touch(room);
  }

  onConnect(room: Room): void {
    this.touch(room);
  }

  /**
   * Starts relaying the room: subscribe first, then load the shared state (so nothing published
   * in between is missed; Yjs updates are idempotent, so overlap is harmless). The room is
   * already seeded, and seeding is deterministic, so every node's seed is the same operations.
   * Never rejects: if Redis is unreachable the room serves what it has and recovers on reconnect.
   */
  async attach(room: Room): Promise<void> {
    const keys = this.keysOf(room.sessionId, room.generation);
    const document = (name: RoomDocumentName): AttachedDocument => ({
      name,
      keys: keys.documents[name],
      dirty: false,
      needsRepublish: false,
      compacting: false,
    });
    const attached: Attached = {
      room,
      keys,
      documents: { doc: document('doc'), interview: document('interview'), notes: document('notes') },
      lastTouch: 0,
      lastMissingReload: 0,
    };
    this.rooms.set(this.mapKey(room), attached);
    this.byChannel.set(keys.channel, attached);
    try {
      await this.options.subscriber.subscribe([keys.channel]);
      await this.load(attached);
      this.send(attached, KIND_AWARENESS_QUERY, new Uint8Array(0));
    } catch (error) {
      for (const document of this.documentsOf(attached)) document.needsRepublish = true;
      this.options.logger?.warn('Could not load a room from Redis; serving the local copy until Redis answers', {
        sessionId: room.sessionId,
        error: describe(error),
      });
    }
  }

  /** Stops relaying; `purge` also deletes the room's keys (its session is gone). */
  detach(room: Room, options: { purge: boolean }): void {
    const attached = this.rooms.get(this.mapKey(room));
    if (!attached || attached.room !== room) return;
    this.rooms.delete(this.mapKey(room));
    this.byChannel.delete(attached.keys.channel);
    this.options.subscriber.unsubscribe([attached.keys.channel]).catch(() => undefined);
    if (options.purge) {
      const keys = this.documentsOf(attached).flatMap(({ keys: { snapshot, updates, lock } }) => [snapshot, updates, lock]);
      this.options.redis.script(PURGE, keys, []).catch((error: unknown) => this.warn('Could not delete a room from Redis', room, error));
    }
  }

  /** A document update made on this node: append it to the document's list and tell the other nodes. */
  localUpdate(room: Room, update: Uint8Array, document: RoomDocumentName = 'doc'): void {
    const attached = this.rooms.get(this.mapKey(room));
    if (!attached || attached.room !== room) return;
    void this.append(attached, attached.documents[document], update);
  }

  /** Presence made on this node: relayed, never stored. */
  localAwareness(room: Room, update: Uint8Array): void {
    const attached = this.rooms.get(this.mapKey(room));
    if (!attached || attached.room !== room) return;
    this.send(attached, KIND_AWARENESS, update);
  }

  /** Keeps the room's keys alive as long as its session (called with the throttled session touches). */
  touch(room: Room): void {
    const attached = this.rooms.get(this.mapKey(room));
    if (!attached) return;
    attached.lastTouch = Date.now();
    const keys = this.documentsOf(attached).flatMap(({ keys: { updates, snapshot } }) => [updates, snapshot]);
    this.options.redis
      .script(TOUCH, keys, [this.ttlMs])
      .catch((error: unknown) => this.warn('Could not refresh a room in Redis', room, error));
  }

  /** Feed every pub/sub message of the subscriber connection here. */
  handleMessage(channel: string, message: Buffer): void {
    const attached = this.byChannel.get(channel);
    if (!attached || message.byteLength < 1 + NODE_ID_BYTES) return;
    if (this.nodeId.equals(message.subarray(1, 1 + NODE_ID_BYTES))) return;
    const kind = message[0]!;
    const payload = message.subarray(1 + NODE_ID_BYTES);
    try {
      const document = DOCUMENT_OF_KIND.get(kind);
      if (document) {
        attached.room.applyRemoteUpdate(payload, document);
        this.reloadIfMissing(attached, document);
      } else if (kind === KIND_AWARENESS) attached.room.applyRemoteAwareness(payload);
      else if (kind === KIND_PRESENCE) attached.room.applyRemotePresence(payload);
      else if (kind === KIND_AWARENESS_QUERY) {
        const presence = attached.room.localAwareness();
        if (presence) this.send(attached, KIND_AWARENESS, presence);
      }
    } catch (error) {
      this.warn('Ignoring a malformed relayed room message', attached.room, error);
    }
  }

  /**
   * Call when the subscriber connection is back after a loss (Redis restarted or the network
   * dropped). Pub/sub messages of the outage are gone, and a Redis without persistence lost the
   * keys too: every node re-subscribes, appends its whole in-memory document (so Redis holds the
   * union again) and reloads the shared state (so it gets what the others appended).
   */
  async recover(): Promise<void> {
    if (this.closed) return;
    const rooms = [...this.rooms.values()];
    if (rooms.length === 0) return;
    this.options.logger?.info('Redis is back: republishing and reloading rooms', { rooms: rooms.length });
    await this.options.subscriber.subscribe(rooms.map((attached) => attached.keys.channel));
    for (const attached of rooms) {
      for (const document of this.documentsOf(attached)) {
        document.needsRepublish = false;
        await this.append(attached, document, attached.room.encodeDocument(document.name));
      }
      try {
        await this.load(attached);
      } catch (error) {
        for (const document of this.documentsOf(attached)) document.needsRepublish = true;
        this.warn('Could not reload a room from Redis', attached.room, error);
      }
    }
  }

  /** Merges a document's snapshot and list so far into one snapshot, under a short lock. */
  async compact(room: Room, name: RoomDocumentName = 'doc'): Promise<boolean> {
    const attached = this.rooms.get(this.mapKey(room));
    const document = attached?.documents[name];
    if (!document || document.compacting) return false;
    document.compacting = true;
    const { lock, snapshot, updates } = document.keys;
    const token = randomUUID();
    try {
      const state = await this.options.redis.script(COMPACT_BEGIN, [lock, snapshot, updates], [token, COMPACT_LOCK_MS]);
      if (!Array.isArray(state)) return false;
      const parts = this.decodeState(state);
      if (parts.updates.length === 0) return false;
      const merged = Y.mergeUpdates(parts.snapshot ? [parts.snapshot, ...parts.updates] : parts.updates);
      const written = await this.options.redis.script(
        COMPACT_COMMIT,
        [lock, snapshot, updates],
        [token, merged, parts.updates.length, this.ttlMs],
      );
      return written === 1;
    } catch (error) {
      this.warn('Room compaction failed (the update list keeps growing until the next try)', room, error);
      return false;
    } finally {
      document.compacting = false;
    }
  }

  close(): void {
    this.closed = true;
    clearInterval(this.compactTimer);
    const channels = [...this.byChannel.keys()];
    this.rooms.clear();
    this.byChannel.clear();
    if (channels.length > 0) this.options.subscriber.unsubscribe(channels).catch(() => undefined);
  }

  private get ttlMs(): number {
    return this.options.ttlSeconds * 1000;
  }

  private mapKey(room: Room): string {
    return `${room.sessionId}:${room.generation}`;
  }

  private documentsOf(attached: Attached): AttachedDocument[] {
    return ROOM_DOCUMENTS.map((name) => attached.documents[name]);
  }

  /** Loads every document of the room (read in parallel, applied in order). */
  private async load(attached: Attached): Promise<void> {
    const states = await Promise.all(
      this.documentsOf(attached).map(async (document) => {
        const { snapshot, updates } = document.keys;
        return { document, state: this.decodeState((await this.options.redis.script(LOAD, [snapshot, updates], [])) as unknown[]) };
      }),
    );
    for (const { document, state } of states) {
      const all = state.snapshot ? [state.snapshot, ...state.updates] : state.updates;
      if (all.length > 0) attached.room.applyRemoteUpdate(Y.mergeUpdates(all), document.name);
    }
  }

  /**
   * A relayed update whose dependencies never reached this node (published while it was not yet
   * subscribed, or lost in an outage) is held unapplied, with everything built on it: reload
   * the room from Redis, which holds every update appended (throttled).
   */
  private reloadIfMissing(attached: Attached, name: RoomDocumentName): void {
    if (!attached.room.missingUpdates(name)) return;
    const now = Date.now();
    if (now - attached.lastMissingReload < RELOAD_MISSING_INTERVAL_MS) return;
    attached.lastMissingReload = now;
    this.load(attached).catch((error: unknown) => this.warn('Could not reload a room with missing updates', attached.room, error));
  }

  private decodeState(reply: unknown[]): { snapshot: Buffer | null; updates: Buffer[] } {
    const list = Array.isArray(reply[1]) ? (reply[1] as unknown[]) : [];
    return { snapshot: toBuffer(reply[0]), updates: list.map(toBuffer).filter((entry): entry is Buffer => entry !== null) };
  }

  private async append(attached: Attached, document: AttachedDocument, update: Uint8Array): Promise<void> {
    const { updates, snapshot } = document.keys;
    try {
      // An earlier append was lost: this one carries the whole document, which includes it.
      const payload = document.needsRepublish ? attached.room.encodeDocument(document.name) : update;
      document.needsRepublish = false;
      const frame = this.frame(UPDATE_KIND[document.name], payload);
      const length = await this.options.redis.script(APPEND, [updates, snapshot], [payload, attached.keys.channel, frame, this.ttlMs]);
      document.dirty = true;
      if (typeof length === 'number' && length >= this.compactAfter) void this.compact(attached.room, document.name);
    } catch (error) {
      // The edit is safe in this node's document (and the typing client's); it goes out with the
      // next append or on reconnect.
      document.needsRepublish = true;
      this.warn('Could not append a room update to Redis; it will be republished', attached.room, error);
    }
  }

  private send(attached: Attached, kind: number, payload: Uint8Array): void {
    this.options.redis
      .publish(attached.keys.channel, this.frame(kind, payload))
      .catch((error: unknown) => this.warn('Could not relay presence', attached.room, error));
  }

  private frame(kind: number, payload: Uint8Array): Buffer {
    return Buffer.concat([Buffer.from([kind]), this.nodeId, payload]);
  }

  private compactDirty(): void {
    for (const attached of this.rooms.values()) {
      for (const document of this.documentsOf(attached)) {
        if (!document.dirty) continue;
        document.dirty = false;
        void this.compact(attached.room, document.name);
      }
    }
  }

  private warn(message: string, room: Room, error: unknown): void {
    if (this.closed) return;
    this.options.logger?.warn(message, { sessionId: room.sessionId, error: describe(error) });
  }
}
