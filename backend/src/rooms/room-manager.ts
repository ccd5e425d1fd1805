import { AppError, type LanguageId, type SessionClosed } from '../protocol';
import type { SessionRecord, SessionRemovalReason, SessionStore } from '../sessions';
import { Room } from './room';
import type { RoomConnection } from './room-connection';

export interface RoomManagerOptions {
  store: SessionStore;
  maxParticipantsPerRoom: number;
  maxDocumentBytes: number;
  /** Store touches are throttled to one per room per interval: activity is frequent, the TTL is long. */
  touchIntervalMs?: number;
  onError?: (error: unknown, context: string) => void;
  /** Called when a room is loaded into memory (metrics). */
  onRoomCreated?: (sessionId: string) => void;
  /** Shares rooms with other backend nodes (Redis); absent on a single node. */
  sync?: RoomSync;
}

/** How rooms are kept the same across backend nodes (`RedisRoomSync` implements it). */
export interface RoomSync {
  /** Loads the shared state into a new room and relays it from then on; never rejects. */
  attach(room: Room): Promise<void>;
  /** Stops relaying; `purge` deletes the shared state too (the session is gone). */
  detach(room: Room, options: { purge: boolean }): void;
  localUpdate(room: Room, update: Uint8Array): void;
  localAwareness(room: Room, update: Uint8Array): void;
  /** Keeps the shared state alive while the session is. */
  touch(room: Room): void;
}

const CLOSE_MESSAGES: Record<SessionRemovalReason, SessionClosed> = {
  expired: { reason: 'expired', message: 'This interview session expired after 24 hours without activity.' },
  deleted: { reason: 'deleted', message: 'This interview session was deleted.' },
};

/** Creates rooms on first join, keeps them while their session lives, frees them when it goes. */
export class RoomManager {
  private readonly rooms = new Map<string, Room>();
  private readonly lastTouch = new Map<string, number>();
  /** Settles when the room holds the shared state (at once without sync). */
  private readonly loaded = new WeakMap<Room, Promise<void>>();
  private readonly unsubscribe: () => void;
  private readonly touchIntervalMs: number;

  constructor(private readonly options: RoomManagerOptions) {
    this.touchIntervalMs = options.touchIntervalMs ?? 30_000;
    this.unsubscribe = options.store.onRemoved((id, reason) => this.closeRoom(id, CLOSE_MESSAGES[reason]));
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  get connectionCount(): number {
    let total = 0;
    for (const room of this.rooms.values()) total += room.size;
    return total;
  }

  get(sessionId: string): Room | undefined {
    return this.rooms.get(sessionId);
  }

  participants(sessionId: string): number {
    return this.rooms.get(sessionId)?.size ?? 0;
  }

  /**
   * Loads the session's room before anyone joins it, so a participant's first sync already
   * carries the whole document when rooms are shared across nodes. Never rejects.
   */
  async prepare(session: SessionRecord): Promise<void> {
    let room = this.rooms.get(session.id);
    if (room && room.generation !== session.generation) {
      this.closeRoom(session.id, CLOSE_MESSAGES.deleted);
      room = undefined;
    }
    room ??= this.createRoom(session);
    await this.loaded.get(room);
  }

  /** Adds a connection to the session's room (creating the room on first join). */
  join(session: SessionRecord, connection: RoomConnection): Room {
    let room = this.rooms.get(session.id);
    if (room && room.generation !== session.generation) {
      // The id was recreated: the old document must not leak into the new session.
      this.closeRoom(session.id, CLOSE_MESSAGES.deleted);
      room = undefined;
    }
    this.assertCanJoin(session.id);
    room ??= this.createRoom(session);
    room.join(connection);
    this.touch(session.id, true);
    return room;
  }

  /** Throws ROOM_FULL when the room has no place left (checked at handshake and again at join). */
  assertCanJoin(sessionId: string): void {
    if (this.participants(sessionId) >= this.options.maxParticipantsPerRoom) {
      throw new AppError('ROOM_FULL', `This room already has ${this.options.maxParticipantsPerRoom} participants.`);
    }
  }

  leave(sessionId: string, connection: RoomConnection): void {
    this.rooms.get(sessionId)?.leave(connection);
  }

  closeRoom(sessionId: string, closed: SessionClosed): void {
    const room = this.rooms.get(sessionId);
    if (!room) return;
    this.rooms.delete(sessionId);
    this.lastTouch.delete(sessionId);
    // The shared copy goes only with the session; a node shutting down leaves it for the others.
    this.options.sync?.detach(room, { purge: closed.reason === 'expired' || closed.reason === 'deleted' });
    room.close(closed);
  }

  closeAll(closed: SessionClosed): void {
    for (const sessionId of [...this.rooms.keys()]) this.closeRoom(sessionId, closed);
  }

  dispose(): void {
    this.unsubscribe();
    for (const room of this.rooms.values()) {
      this.options.sync?.detach(room, { purge: false });
      room.destroy();
    }
    this.rooms.clear();
  }

  private createRoom(session: SessionRecord): Room {
    const sync = this.options.sync;
    const room: Room = new Room({
      sessionId: session.id,
      generation: session.generation,
      language: session.language,
      initialLanguage: session.initialLanguage,
      maxDocumentBytes: this.options.maxDocumentBytes,
      onActivity: () => this.touch(session.id, false),
      onLanguageChange: (language) => this.persistLanguage(session.id, language),
      // The end outlives the room: a room rebuilt later (restart, another node) stays read-only.
      interview: {
        ended: session.ended,
        onEnded: () => void this.options.store.update(session.id, { ended: true }).catch((error: unknown) => this.options.onError?.(error, 'end')),
      },
      ...(sync
        ? {
            onLocalUpdate: (update: Uint8Array) => sync.localUpdate(room, update),
            onLocalAwareness: (update: Uint8Array) => sync.localAwareness(room, update),
          }
        : {}),
    });
    this.rooms.set(session.id, room);
    this.loaded.set(room, sync ? sync.attach(room) : Promise.resolve());
    this.options.onRoomCreated?.(session.id);
    return room;
  }

  private touch(sessionId: string, force: boolean): void {
    const now = Date.now();
    const last = this.lastTouch.get(sessionId) ?? 0;
    if (!force && now - last < this.touchIntervalMs) return;
    this.lastTouch.set(sessionId, now);
    const room = this.rooms.get(sessionId);
    if (room) this.options.sync?.touch(room);
    this.options.store.touch(sessionId).catch((error: unknown) => this.options.onError?.(error, 'session touch'));
  }

  private persistLanguage(sessionId: string, language: LanguageId): void {
    this.options.store.update(sessionId, { language }).catch((error: unknown) => this.options.onError?.(error, 'language update'));
  }
}
