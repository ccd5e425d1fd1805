import NodeCache from 'node-cache';
import type { SessionRecord } from './session-record';
import type { SessionRemovedListener, SessionStore } from './session-store';

export interface MemorySessionStoreOptions {
  ttlSeconds: number;
  /** How often expired entries are swept (node-cache otherwise only notices on access). */
  checkPeriodSeconds?: number;
  /** Clock, injectable so tests can move time. */
  now?: () => number;
}

/** The single-process store: node-cache with a TTL that slides on every touch. */
export class MemorySessionStore implements SessionStore {
  readonly ttlSeconds: number;
  private readonly cache: NodeCache;
  private readonly listeners = new Set<SessionRemovedListener>();
  private readonly now: () => number;

  constructor(options: MemorySessionStoreOptions) {
    this.ttlSeconds = options.ttlSeconds;
    this.now = options.now ?? Date.now;
    this.cache = new NodeCache({
      stdTTL: options.ttlSeconds,
      checkperiod: options.checkPeriodSeconds ?? Math.min(60, Math.max(1, Math.floor(options.ttlSeconds / 4))),
      // Records are replaced, never mutated in place, so cloning on every read is wasted work.
      useClones: false,
    });
    this.cache.on('expired', (id: string) => this.notify(id, 'expired'));
  }

  async create(record: SessionRecord): Promise<void> {
    this.cache.set(record.id, { ...record });
  }

  async restore(record: SessionRecord): Promise<boolean> {
    if (this.cache.has(record.id)) return false;
    await this.create(record);
    return true;
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const record = this.cache.get<SessionRecord>(id);
    return record ? { ...record } : undefined;
  }

  async touch(id: string): Promise<SessionRecord | undefined> {
    return this.update(id, {});
  }

  async update(id: string, patch: Partial<SessionRecord>): Promise<SessionRecord | undefined> {
    const current = this.cache.get<SessionRecord>(id);
    if (!current) return undefined;
    const next: SessionRecord = {
      ...current,
      ...patch,
      id: current.id,
      generation: current.generation,
      createdAt: current.createdAt,
      lastActivityAt: this.now(),
    };
    this.cache.set(id, next);
    return { ...next };
  }

  async delete(id: string): Promise<boolean> {
    const removed = this.cache.del(id) > 0;
    if (removed) this.notify(id, 'deleted');
    return removed;
  }

  onRemoved(listener: SessionRemovedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async count(): Promise<number> {
    return this.cache.keys().length;
  }

  async close(): Promise<void> {
    this.cache.close();
    this.listeners.clear();
  }

  private notify(id: string, reason: 'expired' | 'deleted'): void {
    for (const listener of this.listeners) listener(id, reason);
  }
}
