/**
 * The binary framing on the Yjs event, as y-websocket and Hocuspocus use it:
 * a varUint message type, then the y-protocols payload.
 */
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;

/** Upper bound for one binary message; larger ones are refused before decoding. */
export const MAX_YJS_MESSAGE_BYTES = 2 * 1024 * 1024;

/**
 * Presence nobody has renewed or vouched for this long is stale: y-protocols' `outdatedTimeout`.
 * A current server keeps its participants' presence while they are connected instead (the
 * welcome's `presenceUntilDisconnect`); the timeout still applies to an older server's clients
 * and to participants on a backend node that stopped vouching for them.
 */
export const PRESENCE_TIMEOUT_MS = 30_000;
