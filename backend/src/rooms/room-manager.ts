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
}

const CLOSE_MESSAGES: Record<SessionRemovalReason, SessionClosed> = {
  expired: { reason: 'expired', message: 'This interview session expired after 24 hours without activity.' },
  deleted: { reason: 'deleted', message: 'This interview session was deleted.' },
};

/** Creates rooms on first join, keeps them while their session lives, frees them when it goes. */
export class RoomManager {
  private readonly rooms = new Map<string, Room>();
  private readonly lastTouch = new Map<string, number>();
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
    room.close(closed);
  }

  closeAll(closed: SessionClosed): void {
    for (const sessionId of [...this.rooms.keys()]) this.closeRoom(sessionId, closed);
  }

  dispose(): void {
    this.unsubscribe();
    for (const room of this.rooms.values()) room.destroy();
    this.rooms.clear();
  }

  private createRoom(session: SessionRecord): Room {
    const room = new Room({
      sessionId: session.id,
      generation: session.generation,
      language: session.language,
      initialLanguage: session.initialLanguage,
      maxDocumentBytes: this.options.maxDocumentBytes,
      onActivity: () => this.touch(session.id, false),
      onLanguageChange: (language) => this.persistLanguage(session.id, language),
    });
    this.rooms.set(session.id, room);
    this.options.onRoomCreated?.(session.id);
    return room;
  }

  private touch(sessionId: string, force: boolean): void {
    const now = Date.now();
    const last = this.lastTouch.get(sessionId) ?? 0;
    if (!force && now - last < this.touchIntervalMs) return;
    this.lastTouch.set(sessionId, now);
    this.options.store.touch(sessionId).catch((error: unknown) => this.options.onError?.(error, 'session touch'));
  }

  private persistLanguage(sessionId: string, language: LanguageId): void {
    this.options.store.update(sessionId, { language }).catch((error: unknown) => this.options.onError?.(error, 'language update'));
  }
}
