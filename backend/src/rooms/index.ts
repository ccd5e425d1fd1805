export { Room, CODE_TEXT, META_MAP, type RoomOptions } from './room';
export { RoomManager, type RoomManagerOptions } from './room-manager';
export type { RoomConnection } from './room-connection';
export { REMOTE_ORIGIN } from './room';
export type { RoomSync } from './room-manager';
export { RedisRoomSync, type RedisRoomSyncOptions, type RoomSyncRedis, type RoomSyncLogger } from './redis-room-sync';
