/**
 * One WebSocket frame per Yjs message. Socket.IO's default parser sends a binary event as two
 * engine.io messages — a JSON header with a placeholder, then the bytes as an attachment — so
 * every keystroke cost two frames, two writes and a JSON round each way. Profiles of the typing
 * load put that framing at a third of the backend's remaining CPU per edit.
 *
 * A binary frame is instead one engine.io binary message: `[FRAME_MARK, channel, ...payload]`.
 * Each side writes such frames straight to its engine.io connection, and only once the other side
 * has said it reads them (the client in its connection query, the server in its welcome), so an
 * older client, a third-party Socket.IO client or an older server keep the default framing.
 * Ordering is kept: Socket.IO's own emits reach the same engine.io connection synchronously.
 *
 * `BinaryFrameDecoder` reads both: it is socket.io-parser's decoder, plus frames. Zod-free (it
 * ships in the browser's room bundle, where socket.io-client already brings socket.io-parser).
 */
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';
import { YJS_EVENT } from './wire';

/**
 * The connection query parameter by which a client says it reads frames. The query, not the
 * handshake `auth`: a server that predates frames ignores an unknown query parameter, where its
 * strict `auth` schema would refuse the connection (a new page against an older backend, during a
 * deploy).
 */
export const FRAMES_QUERY = { binaryFrames: '1' } as const;

/** First byte of a binary frame; a stray binary message that lacks it is a protocol error. */
export const FRAME_MARK = 0xb1;

/** The events carried as frames, by channel number (the frame's second byte). */
export const FRAME_CHANNELS = [YJS_EVENT] as const;
export type FrameChannel = (typeof FRAME_CHANNELS)[number];

/** Frames a payload for `channel`. */
export function encodeBinaryFrame(channel: FrameChannel, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(payload.byteLength + 2);
  frame[0] = FRAME_MARK;
  frame[1] = FRAME_CHANNELS.indexOf(channel);
  frame.set(payload, 2);
  return frame;
}

/** What engine.io hands a decoder for a binary message, in Node (Buffer) or a browser. */
type BinaryChunk = Uint8Array | ArrayBuffer;

function asBytes(chunk: unknown): Uint8Array | null {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  return null;
}

/**
 * socket.io-parser's decoder that also reads binary frames. A binary message that arrives while
 * a default binary event is waiting for its attachment is that attachment, as before.
 */
export class BinaryFrameDecoder extends Decoder {
  /** A default binary event's header was read and its attachments have not all arrived. */
  private awaitingAttachments = false;
  private decodedSynchronously = false;

  constructor(...args: ConstructorParameters<typeof Decoder>) {
    super(...args);
    this.on('decoded', () => {
      this.decodedSynchronously = true;
      this.awaitingAttachments = false;
    });
  }

  // socket.io-parser types its input as `any`; engine.io gives a string or binary.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override add(chunk: any): void {
    const bytes = typeof chunk === 'string' || this.awaitingAttachments ? null : asBytes(chunk as BinaryChunk);
    if (bytes === null) {
      this.decodedSynchronously = false;
      super.add(chunk);
      // A header that did not decode at once waits for its attachments.
      if (typeof chunk === 'string') this.awaitingAttachments = !this.decodedSynchronously;
      return;
    }
    const channel = bytes.byteLength >= 2 && bytes[0] === FRAME_MARK ? FRAME_CHANNELS[bytes[1]!] : undefined;
    // Thrown like the default decoder's own protocol errors: Socket.IO closes the connection.
    if (channel === undefined) throw new Error('got binary data that is not a frame');
    const packet: Packet = { type: PacketType.EVENT, nsp: '/', data: [channel, bytes.subarray(2)] };
    this.emitReserved('decoded', packet);
  }
}

/** The `parser` option for both `new Server(…)` and `io(…)`: default encoding, frame-aware decoding. */
export const binaryFrameParser = { Encoder, Decoder: BinaryFrameDecoder };
