import * as Y from 'yjs';
import {
  INTERVIEW_DOC,
  LanguageIdSchema,
  type ChatMessage,
  type InterviewState,
  type LanguageId,
  type RunRecord,
  type TimelineEvent,
} from '@pairpad/protocol';
import { newDoc } from './new-doc';

/** Timeline events kept in the shared list; runs live in `runs` and are merged in when read. */
export type RecordedEvent = Exclude<TimelineEvent, { kind: 'run' }>;

/** Interview states up to this many bytes are kept encoded while nobody writes to them (see `quietly`). */
export const RESTING_MAX_BYTES = 8 * 1024;

/** What a resting interview answers without its document (the controls map's values). */
interface RestingControls {
  locked: boolean;
  runDisabled: boolean;
  ended: boolean;
  endedAt: number | null;
  startedAt: number | null;
  language: unknown;
}

const NO_CONTROLS: RestingControls = Object.freeze({
  locked: false,
  runDisabled: false,
  ended: false,
  endedAt: null,
  startedAt: null,
  language: null,
});

/**
 * The interview half of a room's replicated state: a server-only Y.Doc (never synced to a
 * client) that the relay carries between backend nodes and persists like the shared document.
 * Every node applies the same updates, so every node enforces and serves the same state.
 *
 * **Resting** (issue 21: thousands of idle rooms in one process): a room that nobody has written
 * to holds this state as its encoded Yjs update (a few hundred bytes), not as a Y.Doc with its
 * root types and observers (~15 KiB). What an idle room does to it — its opening, joins, leaves,
 * an archive save, an update relayed from another node — runs in `quietly()`: the document is
 * rebuilt from the bytes for it (same client id, so this node's items continue its own clock),
 * observers and update listeners attached, so every change is relayed and announced exactly as
 * on a live document; then it is encoded back and freed. Any other change (an edit's chunk, a
 * run, chat, lock, a question, console, a paste) keeps the document from then on, and so does a
 * state past RESTING_MAX_BYTES or one holding updates it cannot apply yet. The bytes are the
 * whole state (`Y.encodeStateAsUpdate`), so resting loses nothing.
 *
 * Values inside come only from backend nodes; they are still read defensively.
 */
export class InterviewStateDoc {
  private held: Y.Doc | null = null;
  /** The encoded state while no document is held; null while nothing was written. */
  private resting: Uint8Array | null = null;
  private restingControls: RestingControls = NO_CONTROLS;
  /** This node's Yjs client id in the interview document, kept across restings. */
  private clientId = Math.floor(Math.random() * 2 ** 32);
  private readonly updateListeners: Array<(update: Uint8Array, origin: unknown) => void> = [];
  /** Attaches the owner's observers to a document the state is held in (made only then: a resting room keeps none). */
  private attachObservers: ((doc: Y.Doc) => void) | undefined;
  private quietDepth = 0;
  /** Written outside a quiet operation, or too large to rest: the document stays. */
  private kept = false;
  private bytesSinceHeld = 0;
  private destroyed = false;

  /** The document, rebuilt from the resting bytes if need be. */
  get doc(): Y.Doc {
    return this.held ?? this.hold();
  }

  get controls(): Y.Map<unknown> {
    return this.doc.getMap<unknown>(INTERVIEW_DOC.controls);
  }

  get chat(): Y.Array<ChatMessage> {
    return this.doc.getArray<ChatMessage>(INTERVIEW_DOC.chat);
  }

  get events(): Y.Array<RecordedEvent> {
    return this.doc.getArray<RecordedEvent>(INTERVIEW_DOC.events);
  }

  get runs(): Y.Map<RunRecord> {
    return this.doc.getMap<RunRecord>(INTERVIEW_DOC.runs);
  }

  /** The code document's edits in chunks (`EditRecorder`); read defensively. */
  get edits(): Y.Array<unknown> {
    return this.doc.getArray<unknown>(INTERVIEW_DOC.edits);
  }

  /** The code document before the first kept edit. */
  get editBase(): Y.Array<Uint8Array> {
    return this.doc.getArray<Uint8Array>(INTERVIEW_DOC.editBase);
  }

  /** Whether the state is held as a document now (false: resting as bytes). */
  get isHeld(): boolean {
    return this.held !== null;
  }

  /** This node's Yjs client id in the document (tests set it for deterministic replays). */
  get yjsClientId(): number {
    return this.clientId;
  }

  set yjsClientId(id: number) {
    this.clientId = id;
    if (this.held) this.held.clientID = id;
  }

  /** Listens to the document's updates, whichever document holds the state. */
  onUpdate(listener: (update: Uint8Array, origin: unknown) => void): void {
    this.updateListeners.push(listener);
    this.held?.on('update', listener);
  }

  offUpdate(listener: (update: Uint8Array, origin: unknown) => void): void {
    const index = this.updateListeners.indexOf(listener);
    if (index >= 0) this.updateListeners.splice(index, 1);
    this.held?.off('update', listener);
  }

  /**
   * `attach` is called with every document the state is held in, to observe its root types there
   * (one owner: the room's interview). The observers exist only while the document does.
   */
  whenHeld(attach: (doc: Y.Doc) => void): void {
    this.attachObservers = attach;
    if (this.held) attach(this.held);
  }

  /**
   * Runs an operation an idle room does (its opening, a join or leave, a save, a relayed update).
   * A resting state is held for it and rests again after, unless something else wrote to it.
   */
  quietly<T>(operation: () => T): T {
    this.quietDepth += 1;
    try {
      return operation();
    } finally {
      this.quietDepth -= 1;
      if (this.quietDepth === 0) this.rest();
    }
  }

  /** The whole state as one update (for the archive and the relay's republish), without holding it. */
  encode(): Uint8Array {
    if (this.held) return Y.encodeStateAsUpdate(this.held);
    return this.resting ?? EMPTY_UPDATE;
  }

  /** Whether the document holds updates whose dependencies it lacks (a resting one never does). */
  get missingUpdates(): boolean {
    return this.held !== null && (this.held.store.pendingStructs !== null || this.held.store.pendingDs !== null);
  }

  /** Lock, run-disable, end. `endedByRecord`: the session store says it ended (the state may predate that). */
  state(endedByRecord = false): InterviewState {
    const controls = this.readControls();
    const ended = controls.ended || endedByRecord;
    return {
      locked: controls.locked,
      runDisabled: controls.runDisabled,
      ended,
      endedAt: ended ? controls.endedAt : null,
    };
  }

  /** When recording began (the room first opened on any node). */
  get startedAt(): number | null {
    return this.readControls().startedAt;
  }

  /** The room's language when recording began. */
  get startLanguage(): LanguageId | null {
    const parsed = LanguageIdSchema.safeParse(this.readControls().language);
    return parsed.success ? parsed.data : null;
  }

  /** Sets the recording's start once; a room loaded later (restart, another node) keeps the first. */
  initialize(at: number, language: LanguageId): void {
    if (this.startedAt !== null) return;
    this.doc.transact(() => {
      this.controls.set('startedAt', at);
      this.controls.set('language', language);
    });
  }

  /** Returns true when the state changed. */
  setControl(key: 'locked' | 'runDisabled', value: boolean): boolean {
    if ((this.controls.get(key) === true) === value) return false;
    this.controls.set(key, value);
    return true;
  }

  end(at: number): boolean {
    if (this.controls.get('ended') === true) return false;
    this.doc.transact(() => {
      this.controls.set('ended', true);
      this.controls.set('endedAt', at);
    });
    return true;
  }

  /** Appends to a bounded list: past `limit`, the oldest entries go. */
  static pushBounded<T>(list: Y.Array<T>, entry: T, limit: number): void {
    list.doc!.transact(() => {
      list.push([entry]);
      if (list.length > limit) list.delete(0, list.length - limit);
    });
  }

  /** Keeps each run's latest state (a run never goes back from completed to queued). */
  recordRun(run: RunRecord, limit: number): boolean {
    const known = this.runs.get(run.jobId);
    if (!known && run.state !== 'queued') return false;
    if (known && RUN_STATE_ORDER[known.state] > RUN_STATE_ORDER[run.state]) return false;
    this.doc.transact(() => {
      this.runs.set(run.jobId, run);
      if (this.runs.size > limit) {
        const oldest = [...this.runs.values()].sort((a, b) => a.queuedAt - b.queuedAt).slice(0, this.runs.size - limit);
        for (const entry of oldest) this.runs.delete(entry.jobId);
      }
    });
    return true;
  }

  /** Every run, oldest first. */
  runList(): RunRecord[] {
    return [...this.runs.values()].sort((a, b) => a.queuedAt - b.queuedAt || (a.jobId < b.jobId ? -1 : 1));
  }

  destroy(): void {
    this.destroyed = true;
    this.held?.destroy();
    this.held = null;
    this.resting = null;
  }

  private readControls(): RestingControls {
    return this.held ? controlsOf(this.held) : this.restingControls;
  }

  private hold(): Y.Doc {
    const doc = newDoc({ gc: true });
    if (this.resting) Y.applyUpdate(doc, this.resting);
    // Set after loading: Yjs gives a document a new id when a load brings items of its own.
    doc.clientID = this.clientId;
    this.resting = null;
    this.restingControls = NO_CONTROLS;
    this.bytesSinceHeld = 0;
    doc.on('update', this.noteUpdate);
    for (const listener of this.updateListeners) doc.on('update', listener);
    this.attachObservers?.(doc);
    this.held = doc;
    // Held outside a quiet operation (a read, a write): kept until the next quiet one ends.
    return doc;
  }

  private readonly noteUpdate = (update: Uint8Array): void => {
    this.bytesSinceHeld += update.byteLength;
    if (this.quietDepth === 0 || this.bytesSinceHeld > RESTING_MAX_BYTES) this.kept = true;
  };

  /** Encodes the state back to bytes and frees the document, unless it is to be kept. */
  private rest(): void {
    const doc = this.held;
    if (!doc || this.kept || this.destroyed || this.missingUpdates) return;
    const encoded = Y.encodeStateAsUpdate(doc);
    if (encoded.byteLength > RESTING_MAX_BYTES) {
      this.kept = true;
      return;
    }
    this.restingControls = controlsOf(doc);
    this.resting = encoded;
    this.held = null;
    doc.destroy();
  }
}

const EMPTY_UPDATE: Uint8Array = (() => {
  const doc = newDoc();
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
})();

function controlsOf(doc: Y.Doc): RestingControls {
  // A document that never had controls: the map is not made just to read it.
  if (!doc.share.has(INTERVIEW_DOC.controls)) return NO_CONTROLS;
  const controls = doc.getMap<unknown>(INTERVIEW_DOC.controls);
  const endedAt = controls.get('endedAt');
  const startedAt = controls.get('startedAt');
  return {
    locked: controls.get('locked') === true,
    runDisabled: controls.get('runDisabled') === true,
    ended: controls.get('ended') === true,
    endedAt: typeof endedAt === 'number' ? endedAt : null,
    startedAt: typeof startedAt === 'number' ? startedAt : null,
    language: controls.get('language') ?? null,
  };
}

const RUN_STATE_ORDER: Record<RunRecord['state'], number> = { queued: 0, running: 1, completed: 2, failed: 2 };
