/**
 * The binary framing on the Yjs event, as y-websocket and Hocuspocus use it:
 * a varUint message type, then the y-protocols payload.
 */
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;

/** Upper bound for one binary message; larger ones are refused before decoding. */
export const MAX_YJS_MESSAGE_BYTES = 2 * 1024 * 1024;
