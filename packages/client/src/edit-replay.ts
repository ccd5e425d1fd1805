import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import type { TimelineEditAuthor, TimelineEdits } from '@pairpad/protocol';
import { ROOM_DOC } from '@pairpad/protocol/wire';
import { entryPath, workspacePaths, workspaceText } from '@pairpad/protocol/workspace';

/** One recorded edit of the code document. */
export interface ReplayEdit {
  /** Server epoch ms. */
  at: number;
  /** The participant who made it; null for the server (a question's starter code). */
  author: TimelineEditAuthor | null;
  update: Uint8Array;
}

/** The document after some edit: its text and what that last edit changed. */
export interface ReplayFrame {
  /** Index of the last edit applied (-1: none, the base only). */
  index: number;
  /** The text of the file asked for (the entry by default; empty when that file did not exist then). */
  text: string;
  /** The workspace's paths then, the entry first (one path in a single-file room). */
  paths: string[];
  /** The path `text` is of. */
  path: string;
  /**
   * The last edit that changed the code or another file (an edit of the Input box changes none),
   * if any, with the range of the shown file's text it changed (`[from, to)`) when known.
   */
  last: { at: number; author: TimelineEditAuthor | null; from?: number; to?: number } | null;
}

function fromBase64(value: string): Uint8Array {
  const binary = atob(value);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Unpacks the timeline's compact edits (`TimelineEdits`) into one entry per edit, oldest first. */
export function decodeTimelineEdits(edits: TimelineEdits, startedAt: number): { base: Uint8Array; list: ReplayEdit[] } {
  const decoder = decoding.createDecoder(fromBase64(edits.updates));
  const list: ReplayEdit[] = [];
  let at = startedAt;
  for (let i = 0; i < edits.at.length; i++) {
    at += edits.at[i]!;
    list.push({ at, author: edits.authors[edits.by[i] ?? -1] ?? null, update: decoding.readVarUint8Array(decoder) });
  }
  return { base: fromBase64(edits.base), list };
}

/** Where the text changed between two versions: `[from, to)` in `after`. */
function changedRange(before: string, after: string): { from: number; to: number } {
  let from = 0;
  const shortest = Math.min(before.length, after.length);
  while (from < shortest && before.charCodeAt(from) === after.charCodeAt(from)) from++;
  let endBefore = before.length;
  let to = after.length;
  while (endBefore > from && to > from && before.charCodeAt(endBefore - 1) === after.charCodeAt(to - 1)) {
    endBefore--;
    to--;
  }
  return { from, to };
}

type LastChange = ReplayFrame['last'];

/**
 * Rebuilds the code document at any edit: applies the base, then the edits in order. Moving
 * forward applies only the edits in between; moving back restarts from the nearest keyframe (the
 * document's state, kept every `keyframeEvery` edits as they are first passed), so seeking
 * anywhere costs at most `keyframeEvery` updates once that part was passed.
 */
export class EditReplay {
  readonly edits: readonly ReplayEdit[];
  private readonly base: Uint8Array;
  private readonly keyframes = new Map<number, { state: Uint8Array; last: LastChange }>();
  private readonly keyframeEvery: number;
  private doc!: Y.Doc;
  /** Index of the last edit applied to `doc`. */
  private applied = -1;
  private last: LastChange = null;
  /** Set by the code's observer: the update being applied changed the code. */
  private codeChanged = false;

  constructor(edits: TimelineEdits, startedAt: number, options: { keyframeEvery?: number } = {}) {
    const decoded = decodeTimelineEdits(edits, startedAt);
    this.base = decoded.base;
    this.edits = decoded.list;
    this.keyframeEvery = options.keyframeEvery ?? 1_000;
    this.load(this.base, -1, null);
  }

  /** Index of the last edit at or before `at` (-1: none). */
  indexAt(at: number): number {
    let low = 0;
    let high = this.edits.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (this.edits[middle]!.at <= at) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found;
  }

  /** The document as it was at `at` (server epoch ms), showing the file at `path` (default: the entry). */
  frameAt(at: number, path?: string): ReplayFrame {
    return this.frame(this.indexAt(at), path);
  }

  /** The document after edit `index` (inclusive), showing the file at `path` (default: the entry). */
  frame(index: number, path?: string): ReplayFrame {
    const target = Math.max(-1, Math.min(index, this.edits.length - 1));
    if (target < this.applied) this.rewind(target);
    // The edits before the last few are applied in bulk: one transaction per keyframe's stretch
    // (a transaction per update costs about three times as much).
    const tracked = Math.max(this.applied + 1, target - 3);
    while (this.applied + 1 < tracked) {
      const end = Math.min(tracked - 1, (Math.floor((this.applied + 1) / this.keyframeEvery) + 1) * this.keyframeEvery - 1);
      this.codeChanged = false;
      this.doc.transact(() => {
        for (let i = this.applied + 1; i <= end; i++) Y.applyUpdate(this.doc, this.edits[i]!.update);
      });
      this.applied = end;
      // Which of the stretch's edits changed the code last is not known; its last edit stands for it.
      if (this.codeChanged) this.last = { at: this.edits[end]!.at, author: this.edits[end]!.author };
      this.keepKeyframe();
    }
    const shown = () => this.fileText(path);
    while (this.applied < target) {
      const edit = this.edits[++this.applied]!;
      const before = shown();
      this.codeChanged = false;
      Y.applyUpdate(this.doc, edit.update);
      if (this.codeChanged) {
        const after = shown();
        this.last = { at: edit.at, author: edit.author, ...(after !== before ? changedRange(before, after) : {}) };
      }
      this.keepKeyframe();
    }
    return { index: this.applied, text: shown(), paths: workspacePaths(this.doc), path: path ?? entryPath(this.doc), last: this.last };
  }

  /** The file at `path` (the entry when absent) in the document as replayed so far; '' when there is none. */
  private fileText(path: string | undefined): string {
    return (path === undefined ? this.doc.getText(ROOM_DOC.code) : workspaceText(this.doc, path))?.toString() ?? '';
  }

  destroy(): void {
    this.doc.destroy();
  }

  private keepKeyframe(): void {
    if (this.applied % this.keyframeEvery === this.keyframeEvery - 1 && !this.keyframes.has(this.applied)) {
      this.keyframes.set(this.applied, { state: Y.encodeStateAsUpdate(this.doc), last: this.last });
    }
  }

  private rewind(target: number): void {
    let start = -1;
    for (const index of this.keyframes.keys()) if (index <= target && index > start) start = index;
    const keyframe = this.keyframes.get(start);
    this.doc.destroy();
    if (keyframe) this.load(keyframe.state, start, keyframe.last);
    else this.load(this.base, -1, null);
  }

  private load(state: Uint8Array, applied: number, last: LastChange): void {
    this.doc = new Y.Doc({ gc: true });
    Y.applyUpdate(this.doc, state);
    const changed = () => {
      this.codeChanged = true;
    };
    this.doc.getText(ROOM_DOC.code).observe(changed);
    for (const name of [ROOM_DOC.files, ROOM_DOC.fileTexts, ROOM_DOC.filePaths, ROOM_DOC.folders])
      this.doc.getMap(name).observeDeep(changed);
    this.applied = applied;
    this.last = last;
  }
}
