import { MemorySessionStore } from './memory-session-store';
import { RedisSessionStore, type RedisSessionStoreLogger } from './redis-session-store';
import type { SessionStore } from './session-store';

export interface CreateSessionStoreOptions {
  ttlSeconds: number;
  /** Set: sessions live in this Redis, shared by every backend node. Unset: node-cache, one process. */
  redisUrl?: string | undefined;
  /** @default 'pairpad:' */
  redisKeyPrefix?: string | undefined;
  logger?: RedisSessionStoreLogger | undefined;
}

/**
 * The store the configuration asks for. With a Redis URL it connects first and rejects if
 * Redis cannot be reached, so a misconfigured node fails at boot rather than on first use.
 */
export async function createSessionStore(options: CreateSessionStoreOptions): Promise<SessionStore> {
  if (!options.redisUrl) return new MemorySessionStore({ ttlSeconds: options.ttlSeconds });
  return RedisSessionStore.connect({
    ttlSeconds: options.ttlSeconds,
    url: options.redisUrl,
    keyPrefix: options.redisKeyPrefix ?? 'pairpad:',
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
