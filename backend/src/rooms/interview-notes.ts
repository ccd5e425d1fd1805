import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { AppError, MAX_NOTES_BYTES, MAX_YJS_MESSAGE_BYTES, NOTES_DOC } from '../protocol';

/**
 * The interviewers' private notes: a Y.Doc of its own, never part of the shared document, synced
 * with y-protocols sync messages (no awareness) over a separate event. The room decides who may
 * receive it; this class only speaks the sync protocol.
 */
export class InterviewNotes {
  readonly doc = new Y.Doc({ gc: true });
  private approximateBytes = 0;

  get text(): string {
    return this.doc.getText(NOTES_DOC.text).toString();
  }

  /** The server's SyncStep1, sent to an interviewer when they join. */
  syncStep1(): Uint8Array {
    const encoder = encoding.createEncoder();
    syncProtocol.writeSyncStep1(encoder, this.doc);
    return encoding.toUint8Array(encoder);
  }

  /**
   * Applies one sync message from an interviewer with `origin` as the transaction origin.
   * Returns the reply for that sender (SyncStep2 for a SyncStep1), if any. Throws an AppError
   * and changes nothing when the message is malformed or the notes would grow past their limit.
   */
  handleMessage(message: Uint8Array, origin: unknown): Uint8Array | null {
    if (message.byteLength === 0) throw new AppError('INVALID_MESSAGE', 'Empty message.');
    if (message.byteLength > MAX_YJS_MESSAGE_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', 'Message is too large.');
    try {
      const decoder = decoding.createDecoder(message);
      const syncType = decoding.readVarUint(decoder);
      if (syncType === syncProtocol.messageYjsSyncStep1) {
        const encoder = encoding.createEncoder();
        syncProtocol.writeSyncStep2(encoder, this.doc, decoding.readVarUint8Array(decoder));
        return encoding.toUint8Array(encoder);
      }
      if (syncType !== syncProtocol.messageYjsSyncStep2 && syncType !== syncProtocol.messageYjsUpdate) {
        throw new AppError('INVALID_MESSAGE', `Unknown sync message type ${syncType}.`);
      }
      const update = decoding.readVarUint8Array(decoder);
      Y.decodeUpdate(update);
      if (this.approximateBytes + update.byteLength > MAX_NOTES_BYTES) {
        this.approximateBytes = Y.encodeStateAsUpdate(this.doc).byteLength;
        if (this.approximateBytes + update.byteLength > MAX_NOTES_BYTES) {
          throw new AppError('PAYLOAD_TOO_LARGE', `Private notes are limited to ${MAX_NOTES_BYTES / 1024} KiB.`);
        }
      }
      Y.applyUpdate(this.doc, update, origin);
      this.approximateBytes += update.byteLength;
      return null;
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('INVALID_MESSAGE', 'Malformed notes message.');
    }
  }

  /** Wraps a document update as a sync Update message. */
  static encodeUpdate(update: Uint8Array): Uint8Array {
    const encoder = encoding.createEncoder();
    syncProtocol.writeUpdate(encoder, update);
    return encoding.toUint8Array(encoder);
  }

  destroy(): void {
    this.doc.destroy();
  }
}
