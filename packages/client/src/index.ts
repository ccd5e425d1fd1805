export { SocketYjsProvider, type ConnectionStatus, type SocketYjsProviderOptions, type RoomSocket } from './socket-yjs-provider';
export { NotesChannel, NOTES_TEXT } from './notes-channel';
export { CODE_REPLACEMENT, replaceSharedCode, keepReplacementsApart } from './code-replacement';
