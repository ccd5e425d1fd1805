import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * A room's replicated state as one blob: the shared document (code, language) and the interview
 * document (controls, chat, runs, consoles, question, timeline) — two Y.Docs, each encoded with
 * `Y.encodeStateAsUpdate`. The private notes are stored apart (`notes_state`), so that a query
 * for the room never reads them by accident.
 */
export interface RoomState {
  doc: Uint8Array;
  interview: Uint8Array;
}

const FORMAT_VERSION = 1;

export class RoomStateFormatError extends Error {
  override name = 'RoomStateFormatError';
}

export function encodeRoomState(state: RoomState): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, FORMAT_VERSION);
  encoding.writeVarUint8Array(encoder, state.doc);
  encoding.writeVarUint8Array(encoder, state.interview);
  return encoding.toUint8Array(encoder);
}

export function decodeRoomState(blob: Uint8Array): RoomState {
  try {
    const decoder = decoding.createDecoder(blob);
    const version = decoding.readVarUint(decoder);
    if (version !== FORMAT_VERSION) throw new RoomStateFormatError(`unknown room state format ${version}`);
    return { doc: decoding.readVarUint8Array(decoder), interview: decoding.readVarUint8Array(decoder) };
  } catch (error) {
    if (error instanceof RoomStateFormatError) throw error;
    throw new RoomStateFormatError('malformed room state');
  }
}

/**
 * One update holding both: Yjs updates merge without conflict (two nodes that each saved the
 * room they relayed lose nothing of each other's). A copy that cannot be merged (a corrupt row)
 * gives way to the larger of the two.
 */
export function mergeYjsUpdates(a: Uint8Array | null, b: Uint8Array | null): Uint8Array | null {
  if (!a || a.byteLength === 0) return b;
  if (!b || b.byteLength === 0) return a;
  try {
    return Y.mergeUpdates([a, b]);
  } catch {
    return a.byteLength >= b.byteLength ? a : b;
  }
}

export function mergeRoomStates(stored: Uint8Array | null, next: Uint8Array): Uint8Array {
  if (!stored || stored.byteLength === 0) return next;
  let previous: RoomState;
  try {
    previous = decodeRoomState(stored);
  } catch {
    return next;
  }
  const incoming = decodeRoomState(next);
  return encodeRoomState({
    doc: mergeYjsUpdates(previous.doc, incoming.doc)!,
    interview: mergeYjsUpdates(previous.interview, incoming.interview)!,
  });
}
