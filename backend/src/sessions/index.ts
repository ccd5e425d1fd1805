export type { SessionRecord, SessionRemovalReason } from './session-record';
export type { SessionStore, SessionRemovedListener } from './session-store';
export { MemorySessionStore, type MemorySessionStoreOptions } from './memory-session-store';
export { SessionService, tokenMatches } from './session-service';
export { RedisSessionStore, redactUrl, type RedisSessionStoreOptions, type RedisSessionStoreLogger, type ExpiryEventSource } from './redis-session-store';
export { createSessionStore, type CreateSessionStoreOptions } from './create-session-store';
