export type { SessionRecord, SessionRemovalReason } from './session-record';
export type { SessionStore, SessionRemovedListener } from './session-store';
export { MemorySessionStore, type MemorySessionStoreOptions } from './memory-session-store';
export { SessionService, tokenMatches } from './session-service';
