import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { PASTE_RECORD_THRESHOLD, ROOM_DOC, RoleSchema, type TimelineEditAuthor, type TimelineEdits } from '@pairpad/protocol';
import type { InterviewStateDoc } from './interview-state';
import { newDoc } from './new-doc';

export interface EditRecorderOptions {
  /** One author's updates closer together than this (from the first) are merged into one edit (default 200 ms). */
  mergeWindowMs?: number;
  /** Edits are written to the shared state in chunks, at most this long after the chunk's first edit (default 1 s). */
  flushIntervalMs?: number;
  /** Edits per chunk at most (default 64). */
  chunkEdits?: number;
  /** Chunks kept (default 20,000: hours of continuous typing); past it the oldest are folded into the base. */
  maxChunks?: number;
  /**
   * Bytes of recorded updates kept (default 16 MiB): pasting and deleting a large text over and
   * over keeps the document small but not its history; past this the oldest half is folded.
   */
  maxBytes?: number;
  now?: () => number;
}

/**
 * How edits are stored in the interview document (`INTERVIEW_DOC.edits`), one entry per chunk:
 * `dt` are times from `t0` (small varints), `by` index `people` (-1: the server).
 */
export interface EditChunk {
  t0: number;
  dt: number[];
  people: TimelineEditAuthor[];
  by: number[];
  updates: Uint8Array[];
}

/** Whose edit an update is: a participant, the server (`null`), or not this node's to record (`undefined`). */
export type EditAuthorOf = (origin: unknown) => TimelineEditAuthor | null | undefined;

interface OpenEdit {
  at: number;
  first: number;
  author: TimelineEditAuthor | null;
  updates: Uint8Array[];
}

/**
 * Records every update of the room's code document with its time and author, for a
 * keystroke-by-keystroke playback. Each node records the updates applied on it (its own
 * connections' edits and the server's), never those relayed from another node: every edit is
 * recorded once, by the node it came through, into the replicated interview state, which the
 * relay carries to the other nodes and the archive persists. An author's updates within
 * `mergeWindowMs` are merged (`Y.mergeUpdates`); a paste is always an edit of its own, at its
 * exact time. Knows no transport; the room feeds it.
 */
export class EditRecorder {
  private open: OpenEdit | null = null;
  private chunk: EditChunk | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private recording = false;
  private readonly now: () => number;
  private readonly mergeWindowMs: number;
  private readonly flushIntervalMs: number;
  private readonly chunkEdits: number;
  private readonly maxChunks: number;
  private readonly maxBytes: number;
  /** Bytes of the updates in the shared list, as last counted (other nodes' writes are counted every 256 writes). */
  private bytes = 0;
  private writes = 0;

  constructor(
    private readonly state: InterviewStateDoc,
    private readonly doc: Y.Doc,
    private readonly authorOf: EditAuthorOf,
    options: EditRecorderOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.mergeWindowMs = options.mergeWindowMs ?? 200;
    this.flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.chunkEdits = options.chunkEdits ?? 64;
    this.maxChunks = options.maxChunks ?? 20_000;
    this.maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  }

  /** The room holds its shared state now: a room with no recording yet keeps its document as the base. */
  start(): void {
    if (this.recording) return;
    this.recording = true;
    if (this.state.edits.length === 0 && this.state.editBase.length === 0) this.state.editBase.push([Y.encodeStateAsUpdate(this.doc)]);
    this.bytes = this.countBytes();
    this.doc.on('update', this.onUpdate);
  }

  /** Writes what is pending (the open edit and chunk) to the shared state now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.close();
    const chunk = this.chunk;
    if (!chunk) return;
    this.chunk = null;
    this.write(chunk);
  }

  /** Every node's edits merged by time, in the compact wire form. */
  view(startedAt: number): TimelineEdits {
    const edits: Array<{ at: number; author: TimelineEditAuthor | null; update: Uint8Array }> = [];
    for (const chunk of this.state.edits) {
      if (!isChunk(chunk)) continue;
      chunk.updates.forEach((update, index) => {
        edits.push({ at: chunk.t0 + (chunk.dt[index] ?? 0), author: chunk.people[chunk.by[index] ?? -1] ?? null, update });
      });
    }
    // Stable: edits at the same time keep the shared list's order (the same on every node).
    edits.sort((a, b) => a.at - b.at);
    const authors: TimelineEditAuthor[] = [];
    const index = new Map<string, number>();
    const encoder = encoding.createEncoder();
    const at: number[] = [];
    const by: number[] = [];
    let previous = startedAt;
    for (const edit of edits) {
      at.push(edit.at - previous);
      previous = edit.at;
      by.push(edit.author ? indexOf(edit.author, authors, index) : -1);
      encoding.writeVarUint8Array(encoder, edit.update);
    }
    const bases = this.state.editBase.toArray().filter((base) => base instanceof Uint8Array);
    const base = bases.length === 0 ? this.textNow() : bases.length === 1 ? bases[0]! : Y.mergeUpdates(bases);
    return {
      base: Buffer.from(base).toString('base64'),
      authors,
      at,
      by,
      updates: Buffer.from(encoding.toUint8Array(encoder)).toString('base64'),
    };
  }

  /**
   * The base of an interview recorded before edits were (its playback had 2-second checkpoints):
   * its code as it is now, written by a fixed client so every node makes the same bytes.
   */
  private textNow(): Uint8Array {
    const doc = newDoc();
    doc.clientID = 0;
    doc.getText(ROOM_DOC.code).insert(0, this.doc.getText(ROOM_DOC.code).toString());
    const update = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    return update;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.doc.off('update', this.onUpdate);
    this.recording = false;
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction): void => {
    const author = this.authorOf(origin);
    if (author === undefined) return;
    const stamped = transaction.meta.get(EDIT_TIME);
    const at = typeof stamped === 'number' ? stamped : this.now();
    // A paste is an edit of its own, at its exact time: playback at the paste shows it.
    const paste = insertedClockTicks(transaction) > PASTE_RECORD_THRESHOLD;
    const open = this.open;
    if (open && !paste && sameAuthor(open.author, author) && at - open.first <= this.mergeWindowMs) {
      open.updates.push(update);
      open.at = at;
    } else {
      this.close();
      this.open = { at, first: at, author, updates: [update] };
    }
    if (paste) this.close();
    this.timer ??= setTimeout(() => this.flush(), this.flushIntervalMs);
    // A pending write must not keep a process alive on its own.
    this.timer.unref?.();
  };

  /** Moves the open edit into the pending chunk (written at the next flush). */
  private close(): void {
    const open = this.open;
    if (!open) return;
    this.open = null;
    const chunk = (this.chunk ??= { t0: open.at, dt: [], people: [], by: [], updates: [] });
    chunk.dt.push(open.at - chunk.t0);
    chunk.by.push(open.author ? indexOf(open.author, chunk.people, null) : -1);
    chunk.updates.push(open.updates.length === 1 ? open.updates[0]! : Y.mergeUpdates(open.updates));
    if (chunk.updates.length >= this.chunkEdits) {
      this.chunk = null;
      this.write(chunk);
    }
  }

  private write(chunk: EditChunk): void {
    this.bytes += chunk.updates.reduce((sum, update) => sum + update.byteLength, 0);
    if (++this.writes % 256 === 0) this.bytes = this.countBytes();
    this.state.doc.transact(() => {
      this.state.edits.push([chunk]);
      const length = this.state.edits.length;
      if (length > this.maxChunks) this.foldOldest(length - this.maxChunks);
      else if (this.bytes > this.maxBytes) this.foldOldest(Math.ceil(length / 2));
    });
  }

  private countBytes(): number {
    let bytes = 0;
    for (const chunk of this.state.edits) if (isChunk(chunk)) for (const update of chunk.updates) bytes += update.byteLength;
    return bytes;
  }

  /**
   * The oldest chunks' updates join the base: the document stays whole, their times are gone. The
   * base is rebuilt in a garbage-collected document, so text inserted and deleted since is dropped
   * (updates still waiting for another node's older ones are kept as they are).
   */
  private foldOldest(count: number): void {
    const dropped = this.state.edits.slice(0, count).flatMap((chunk) => (isChunk(chunk) ? chunk.updates : []));
    const bases = this.state.editBase.toArray().filter((base) => base instanceof Uint8Array);
    const doc = newDoc({ gc: true });
    for (const update of [...bases, ...dropped]) Y.applyUpdate(doc, update);
    const parts = [Y.encodeStateAsUpdate(doc)];
    if (doc.store.pendingStructs) parts.push(doc.store.pendingStructs.update);
    if (doc.store.pendingDs) parts.push(doc.store.pendingDs);
    doc.destroy();
    this.state.editBase.delete(0, this.state.editBase.length);
    this.state.editBase.push([parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts)]);
    this.state.edits.delete(0, count);
    this.bytes = this.countBytes();
  }
}

const EDIT_TIME = Symbol('edit time');

/** Gives the edit made by `transaction` this time (an event recorded with it, a paste, has the same). */
export function stampEditTime(transaction: Y.Transaction, at: number): void {
  transaction.meta.set(EDIT_TIME, at);
}

/** How many clock ticks (characters, for text) the transaction inserted, summed over its clients. */
export function insertedClockTicks(transaction: Y.Transaction): number {
  let inserted = 0;
  transaction.afterState.forEach((clock, client) => {
    inserted += clock - (transaction.beforeState.get(client) ?? 0);
  });
  return inserted;
}

function sameAuthor(a: TimelineEditAuthor | null, b: TimelineEditAuthor | null): boolean {
  return a === b || (a !== null && b !== null && a.name === b.name && a.role === b.role);
}

function indexOf(author: TimelineEditAuthor, list: TimelineEditAuthor[], index: Map<string, number> | null): number {
  const key = `${author.role}\u0000${author.name}`;
  const known = index ? index.get(key) : list.findIndex((entry) => `${entry.role}\u0000${entry.name}` === key);
  if (known !== undefined && known >= 0) return known;
  list.push({ name: author.name, role: author.role });
  index?.set(key, list.length - 1);
  return list.length - 1;
}

/** Values in the shared state come only from backend nodes; they are still read defensively. */
function isChunk(value: unknown): value is EditChunk {
  if (typeof value !== 'object' || value === null) return false;
  const chunk = value as Partial<EditChunk>;
  return (
    typeof chunk.t0 === 'number' &&
    Array.isArray(chunk.dt) &&
    Array.isArray(chunk.by) &&
    Array.isArray(chunk.updates) &&
    chunk.updates.every((update) => update instanceof Uint8Array) &&
    Array.isArray(chunk.people) &&
    chunk.people.every((person) => typeof person?.name === 'string' && RoleSchema.safeParse(person.role).success)
  );
}
