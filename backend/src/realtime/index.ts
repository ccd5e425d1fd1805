export { attachRealtime, type RealtimeOptions, type RoomServer } from './socket-server';
export { respond, bindClientEvents, type ClientEventHandlers } from './bind-events';
