export { Room, CODE_TEXT, META_MAP, type RoomOptions } from './room';
export { RoomManager, type RoomManagerOptions } from './room-manager';
export type { RoomConnection } from './room-connection';
