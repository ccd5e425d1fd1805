/**
 * Wire constants with no runtime dependencies, so the browser's room code can import them
 * without pulling zod into the first-load bundle.
 */

/** Bumped when a client and server could no longer understand each other; checked at handshake. */
export const PROTOCOL_VERSION = 1;

export const SOCKET_PATH = '/socket.io';

/** Binary y-protocols messages (sync + awareness) travel on this one event, both ways. */
export const YJS_EVENT = 'y';

/** The private notes document's sync messages (interviewers only), framed like the Yjs event. */
export const NOTES_EVENT = 'notes';

export * from './room-shape';
export * from './permissions';
