/**
 * The interviewer's side of the private notes: a Y.Doc synced over its own event, separate from
 * the shared document (which everyone receives). The server only ever sends notes to interviewer
 * connections; a candidate never creates this channel.
 */
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { NOTES_DOC, NOTES_EVENT } from '@pairpad/protocol/wire';
import type { SocketYjsProvider } from './socket-yjs-provider';

export const NOTES_TEXT = NOTES_DOC.text;

export class NotesChannel {
  readonly doc = new Y.Doc();
  readonly text = this.doc.getText(NOTES_TEXT);

  constructor(private readonly provider: SocketYjsProvider) {
    provider.socket.on(NOTES_EVENT, this.handleMessage);
    provider.on('welcome', this.handleWelcome);
    this.doc.on('update', this.handleUpdate);
    // Already welcomed (the channel can be created after the join): sync now.
    if (provider.connected && provider.role === 'interviewer') this.sendSyncStep1();
  }

  private get socket(): SocketYjsProvider['socket'] {
    return this.provider.socket;
  }

  destroy(): void {
    this.socket.off(NOTES_EVENT, this.handleMessage);
    this.provider.off('welcome', this.handleWelcome);
    this.doc.off('update', this.handleUpdate);
    this.doc.destroy();
  }

  private sendSyncStep1(): void {
    const encoder = encoding.createEncoder();
    syncProtocol.writeSyncStep1(encoder, this.doc);
    this.socket.emit(NOTES_EVENT, encoding.toUint8Array(encoder));
  }

  /** Every (re)join: exchange state vectors, so notes typed while offline merge. */
  private readonly handleWelcome = ({ role }: { role: string }): void => {
    if (role === 'interviewer') this.sendSyncStep1();
  };

  private readonly handleMessage = (message: ArrayBuffer | Uint8Array): void => {
    const decoder = decoding.createDecoder(message instanceof Uint8Array ? message : new Uint8Array(message));
    const encoder = encoding.createEncoder();
    syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
    if (encoding.length(encoder) > 0) this.socket.emit(NOTES_EVENT, encoding.toUint8Array(encoder));
  };

  private readonly handleUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this || !this.provider.connected) return;
    const encoder = encoding.createEncoder();
    syncProtocol.writeUpdate(encoder, update);
    this.socket.emit(NOTES_EVENT, encoding.toUint8Array(encoder));
  };
}
