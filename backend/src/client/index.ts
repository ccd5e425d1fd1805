export { SocketYjsProvider, type ConnectionStatus, type SocketYjsProviderOptions, type RoomSocket } from './socket-yjs-provider';
