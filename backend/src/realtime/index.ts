export { attachRealtime, type RealtimeOptions, type RoomServer } from './socket-server';
export { clientEventBinder, type ClientEventBinder, type ClientEventHandlers } from './bind-events';
