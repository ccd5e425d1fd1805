import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { AppError, MAX_NOTES_BYTES, MAX_YJS_MESSAGE_BYTES, NOTES_DOC } from '@pairpad/protocol';
import { newDoc } from './new-doc';

/**
 * The interviewers' private notes: a Y.Doc of its own, never part of the shared document, synced
 * with y-protocols sync messages (no awareness) over a separate event. The room decides who may
 * receive it; this class only speaks the sync protocol.
 */
export class InterviewNotes {
  private created: Y.Doc | undefined;
  private readonly updateListeners: Array<(update: Uint8Array, origin: unknown) => void> = [];
  private approximateBytes = 0;

  /**
   * The notes document, made on first use: most rooms' notes are never touched while they sit
   * idle (a candidate alone, or nobody writing), and an empty Y.Doc costs a room ~2.3 KiB
   * (issue #14: thousands of idle rooms in one process).
   */
  get doc(): Y.Doc {
    if (!this.created) {
      this.created = newDoc({ gc: true });
      for (const listener of this.updateListeners) this.created.on('update', listener);
    }
    return this.created;
  }

  /** Listens to the document's updates, whether or not it exists yet. */
  onUpdate(listener: (update: Uint8Array, origin: unknown) => void): void {
    this.updateListeners.push(listener);
    this.created?.on('update', listener);
  }

  offUpdate(listener: (update: Uint8Array, origin: unknown) => void): void {
    const index = this.updateListeners.indexOf(listener);
    if (index >= 0) this.updateListeners.splice(index, 1);
    this.created?.off('update', listener);
  }

  /** Whether the notes document exists yet. */
  get made(): boolean {
    return this.created !== undefined;
  }

  /** The notes as one update (`Y.encodeStateAsUpdate`); null while nobody has written any. */
  encodeState(): Uint8Array | null {
    return this.created ? Y.encodeStateAsUpdate(this.created) : null;
  }

  get text(): string {
    return this.created ? this.created.getText(NOTES_DOC.text).toString() : '';
  }

  /** The server's SyncStep1, sent to an interviewer when they join (an unmade document's is the empty state vector). */
  syncStep1(): Uint8Array {
    const encoder = encoding.createEncoder();
    if (this.created) syncProtocol.writeSyncStep1(encoder, this.created);
    else {
      encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep1);
      encoding.writeVarUint8Array(encoder, Y.encodeStateVector(new Map<number, number>()));
    }
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
    this.created?.destroy();
  }
}
