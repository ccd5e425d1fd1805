export { attachRealtime, type RealtimeOptions, type RoomServer } from './socket-server';
export { clientEventListeners, type ClientEventHandlers, type SharedListener } from './bind-events';
export { dropGuestSockets, dropMemberSockets } from './socket-server';
