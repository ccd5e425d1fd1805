import { AppError, type SessionClosed } from '@pairpad/protocol';
import type { SessionRecord, SessionRemovalReason, SessionStore } from '../sessions';
import { Room, type RoomOptions } from './room';
import type { RoomConnection } from './room-connection';
import type { RoomExtension } from './room-extension';
import { sessionStoreExtension } from './session-extension';

export interface RoomManagerOptions {
  store: SessionStore;
  maxParticipantsPerRoom: number;
  maxDocumentBytes: number;
  /** Store touches are throttled to one per room per interval: activity is frequent, the TTL is long. */
  touchIntervalMs?: number;
  onError?: (error: unknown, context: string) => void;
  /**
   * Side concerns every room runs (the Redis relay, metrics, …), after the session store's own
   * (touches, persisted language and end).
   */
  extensions?: readonly RoomExtension[];
  /** Timeline limits and clock (tests). */
  interview?: RoomOptions['interview'];
  /** How often every room's presence is swept (`Room.sweepPresence`). @default 5 s */
  presenceSweepIntervalMs?: number;
}

const PRESENCE_SWEEP_INTERVAL_MS = 5_000;

const CLOSE_MESSAGES: Record<SessionRemovalReason, SessionClosed> = {
  expired: { reason: 'expired', message: 'This interview session expired after 24 hours without activity.' },
  deleted: { reason: 'deleted', message: 'This interview session was deleted.' },
};

/** Opens rooms on first use, keeps them while their session lives, frees them when it goes. */
export class RoomManager {
  private readonly rooms = new Map<string, Room>();
  /** The session record each live room was opened with, to write back what a Redis restart lost. */
  private readonly records = new Map<string, SessionRecord>();
  private readonly unsubscribe: () => void;
  private readonly extensions: readonly RoomExtension[];
  /** One timer for all rooms' presence, instead of y-protocols' interval in each room. */
  private readonly presenceSweep: NodeJS.Timeout;

  constructor(private readonly options: RoomManagerOptions) {
    this.extensions = [
      sessionStoreExtension({
        store: options.store,
        ...(options.touchIntervalMs !== undefined ? { touchIntervalMs: options.touchIntervalMs } : {}),
        ...(options.onError ? { onError: options.onError } : {}),
      }),
      ...(options.extensions ?? []),
    ];
    this.unsubscribe = options.store.onRemoved((id, reason) => this.closeRoom(id, CLOSE_MESSAGES[reason]));
    this.presenceSweep = setInterval(() => {
      const now = Date.now();
      for (const room of this.rooms.values()) room.sweepPresence(now);
    }, options.presenceSweepIntervalMs ?? PRESENCE_SWEEP_INTERVAL_MS);
    this.presenceSweep.unref();
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

  /**
   * The record of a session whose room is live here, as the room knows it now (language, end),
   * or undefined. A handshake that finds no record in the store serves the session from it.
   */
  liveRecord(sessionId: string): SessionRecord | undefined {
    const room = this.rooms.get(sessionId);
    const record = this.records.get(sessionId);
    if (!room || !record || record.generation !== room.generation) return undefined;
    return { ...record, language: room.currentLanguage, ended: record.ended || room.interview.current.ended };
  }

  /**
   * Writes back the record of every live room that the store lacks (Redis came back empty), so
   * a participant's reconnect, here or on another node, is never refused for a session this node
   * serves. Returns how many were written.
   */
  async reassertSessions(): Promise<number> {
    let written = 0;
    for (const sessionId of [...this.rooms.keys()]) {
      const record = this.liveRecord(sessionId);
      if (record && (await this.options.store.restore(record))) written += 1;
    }
    return written;
  }

  participants(sessionId: string): number {
    return this.rooms.get(sessionId)?.size ?? 0;
  }

  /**
   * The session's room, holding the whole shared state (loaded from the other nodes when rooms
   * are shared), so a participant's first sync is complete. Opened once: concurrent calls share
   * one load. Never rejects.
   */
  async open(session: SessionRecord): Promise<Room> {
    const room = this.roomFor(session);
    await room.open();
    return room;
  }

  /** Adds a connection to the session's room (opened by `open()` first). */
  join(session: SessionRecord, connection: RoomConnection): Room {
    this.assertCanJoin(session.id);
    const room = this.roomFor(session);
    void room.open();
    room.join(connection);
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
    this.records.delete(sessionId);
    // The shared copy goes only with the session; a node shutting down leaves it for the others.
    room.close(closed, { purge: closed.reason === 'expired' || closed.reason === 'deleted' });
  }

  closeAll(closed: SessionClosed): void {
    for (const sessionId of [...this.rooms.keys()]) this.closeRoom(sessionId, closed);
  }

  dispose(): void {
    clearInterval(this.presenceSweep);
    this.unsubscribe();
    for (const room of this.rooms.values()) room.destroy();
    this.rooms.clear();
    this.records.clear();
  }

  /** The live room of this session generation; a recreated id closes the old room first. */
  private roomFor(session: SessionRecord): Room {
    const existing = this.rooms.get(session.id);
    if (existing && existing.generation === session.generation) {
      this.records.set(session.id, session);
      return existing;
    }
    // The id was recreated: the old document must not leak into the new session.
    if (existing) this.closeRoom(session.id, CLOSE_MESSAGES.deleted);
    const room = new Room({
      sessionId: session.id,
      generation: session.generation,
      language: session.language,
      initialLanguage: session.initialLanguage,
      maxDocumentBytes: this.options.maxDocumentBytes,
      extensions: this.extensions,
      interview: { ...this.options.interview, ended: session.ended },
      ...(this.options.onError ? { onError: this.options.onError } : {}),
    });
    this.rooms.set(session.id, room);
    this.records.set(session.id, session);
    return room;
  }
}
