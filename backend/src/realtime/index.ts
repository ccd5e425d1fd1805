export { attachRealtime, type RealtimeOptions, type RoomServer } from './socket-server';
export { bindClientEvents, type ClientEventHandlers } from './bind-events';
