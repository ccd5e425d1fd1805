import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { AppError, AwarenessUserSchema, type Role } from '@pairpad/protocol';

/** A client has one Y.Doc; a few ids allow for Yjs' clientID regeneration on conflicts. */
export const MAX_CLIENT_IDS_PER_CONNECTION = 8;
const MAX_CLIENT_IDS_PER_MESSAGE = MAX_CLIENT_IDS_PER_CONNECTION;
const MAX_STATE_JSON_LENGTH = 4096;

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: unknown;
}

/** Decodes an awareness update (y-protocols wire format) without applying it. */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count > MAX_CLIENT_IDS_PER_MESSAGE) throw new AppError('INVALID_MESSAGE', 'Awareness update names too many clients.');
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const json = decoding.readVarString(decoder);
    if (json.length > MAX_STATE_JSON_LENGTH) throw new AppError('PAYLOAD_TOO_LARGE', 'Awareness state is too large.');
    entries.push({ clientId, clock, state: JSON.parse(json) as unknown });
  }
  return entries;
}

export function encodeAwarenessEntries(entries: AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, JSON.stringify(entry.state));
  }
  return encoding.toUint8Array(encoder);
}

/**
 * Makes an awareness update from one connection safe to relay: a bounded number of client ids,
 * well-formed states, and `user.role` forced to the role the server verified, so nobody can pose
 * as the interviewer. Throws INVALID_MESSAGE otherwise.
 */
export function sanitizeAwarenessUpdate(update: Uint8Array, role: Role): { update: Uint8Array; clientIds: number[] } {
  const entries = decodeAwarenessUpdate(update);
  for (const entry of entries) {
    if (entry.state === null) continue;
    if (typeof entry.state !== 'object' || Array.isArray(entry.state)) {
      throw new AppError('INVALID_MESSAGE', 'Awareness state must be an object or null.');
    }
    const state = entry.state as Record<string, unknown>;
    if ('user' in state) {
      const user = AwarenessUserSchema.safeParse({ ...(state.user as object), role });
      if (!user.success) throw new AppError('INVALID_MESSAGE', `Invalid awareness user: ${user.error.issues[0]?.message ?? 'bad shape'}.`);
      state.user = user.data;
    }
  }
  return { update: encodeAwarenessEntries(entries), clientIds: entries.map((entry) => entry.clientId) };
}
