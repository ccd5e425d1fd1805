import type { SessionStore } from '../sessions';
import type { RoomExtension } from './room-extension';

export interface SessionStoreExtensionOptions {
  store: SessionStore;
  /** Store touches are throttled to one per room per interval: activity is frequent, the TTL is long. */
  touchIntervalMs?: number;
  onError?: (error: unknown, context: string) => void;
}

/**
 * Keeps the session record in step with its room: touches it while the room is active (so it
 * does not expire), and persists the language and the end, which outlive the room (a room
 * rebuilt later, after a restart or on another node, starts from them).
 */
export function sessionStoreExtension({ store, touchIntervalMs = 30_000, onError }: SessionStoreExtensionOptions): RoomExtension {
  const lastTouch = new Map<string, number>();
  const report = (context: string) => (error: unknown) => onError?.(error, context);
  const touch = (sessionId: string, force: boolean): void => {
    const now = Date.now();
    if (!force && now - (lastTouch.get(sessionId) ?? 0) < touchIntervalMs) return;
    lastTouch.set(sessionId, now);
    store.touch(sessionId).catch(report('session touch'));
  };
  return {
    name: 'session-store',
    onConnect: (room) => touch(room.sessionId, true),
    onActivity: (room) => touch(room.sessionId, false),
    onLanguageChange: (room, language) => void store.update(room.sessionId, { language }).catch(report('language update')),
    onEnd: (room) => void store.update(room.sessionId, { ended: true }).catch(report('end')),
    onClose: (room) => void lastTouch.delete(room.sessionId),
  };
}
