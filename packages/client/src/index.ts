export { SocketYjsProvider, type ConnectionStatus, type SocketYjsProviderOptions, type RoomSocket } from './socket-yjs-provider';
export { NotesChannel, NOTES_TEXT } from './notes-channel';
export { EditReplay, decodeTimelineEdits, type ReplayEdit, type ReplayFrame } from './edit-replay';
export { CODE_REPLACEMENT, replaceSharedCode, keepReplacementsApart } from './code-replacement';
export { WORKSPACE_CHANGE, createFile, createFolder, renamePath, deletePath, newFileId, workspaceUndoManager } from './workspace-ops';
