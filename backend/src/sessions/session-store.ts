import type { SessionRecord, SessionRemovalReason } from './session-record';

export type SessionRemovedListener = (id: string, reason: SessionRemovalReason) => void;

/**
 * Where sessions live. Every implementation keeps a sliding TTL: a session disappears
 * `ttlSeconds` after its last `create`, `touch` or `update`. One contract suite
 * (test/sessions/session-store.contract.ts) runs against each implementation.
 */
export interface SessionStore {
  readonly ttlSeconds: number;
  create(record: SessionRecord): Promise<void>;
  get(id: string): Promise<SessionRecord | undefined>;
  /** Marks activity now: slides the TTL. Returns the updated record, or undefined if gone. */
  touch(id: string): Promise<SessionRecord | undefined>;
  /** Applies a patch (also counts as activity). Returns the updated record, or undefined if gone. */
  update(id: string, patch: Partial<Omit<SessionRecord, 'id' | 'generation' | 'createdAt'>>): Promise<SessionRecord | undefined>;
  delete(id: string): Promise<boolean>;
  /**
   * Writes a record back only if its id is not stored (a Redis restarted without persistence lost
   * it while a node still serves the room); the TTL starts again. Returns whether it wrote.
   */
  restore(record: SessionRecord): Promise<boolean>;
  /** Called once per removed session, whether it expired or was deleted. Returns an unsubscribe. */
  onRemoved(listener: SessionRemovedListener): () => void;
  /** Number of live sessions (for health and metrics). */
  count(): Promise<number>;
  close(): Promise<void>;
}
