export { attachRealtime, respond, type RealtimeOptions, type RoomServer } from './socket-server';
