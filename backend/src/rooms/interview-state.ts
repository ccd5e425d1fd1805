import type * as Y from 'yjs';
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

/**
 * The interview half of a room's replicated state: a server-only Y.Doc (never synced to a
 * client) that the relay carries between backend nodes and persists like the shared document.
 * Every node applies the same updates, so every node enforces and serves the same state.
 *
 * Values inside come only from backend nodes; they are still read defensively.
 */
export class InterviewStateDoc {
  readonly doc = newDoc({ gc: true });
  readonly controls = this.doc.getMap<unknown>(INTERVIEW_DOC.controls);
  readonly chat = this.doc.getArray<ChatMessage>(INTERVIEW_DOC.chat);
  readonly events = this.doc.getArray<RecordedEvent>(INTERVIEW_DOC.events);
  readonly runs = this.doc.getMap<RunRecord>(INTERVIEW_DOC.runs);
  /** The code document's edits in chunks (`EditRecorder`); read defensively. */
  readonly edits = this.doc.getArray<unknown>(INTERVIEW_DOC.edits);
  /** The code document before the first kept edit. */
  readonly editBase = this.doc.getArray<Uint8Array>(INTERVIEW_DOC.editBase);

  /** Lock, run-disable, end. `endedByRecord`: the session store says it ended (the state may predate that). */
  state(endedByRecord = false): InterviewState {
    const endedAt = this.controls.get('endedAt');
    const ended = this.controls.get('ended') === true || endedByRecord;
    return {
      locked: this.controls.get('locked') === true,
      runDisabled: this.controls.get('runDisabled') === true,
      ended,
      endedAt: ended && typeof endedAt === 'number' ? endedAt : null,
    };
  }

  /** When recording began (the room first opened on any node). */
  get startedAt(): number | null {
    const value = this.controls.get('startedAt');
    return typeof value === 'number' ? value : null;
  }

  /** The room's language when recording began. */
  get startLanguage(): LanguageId | null {
    const parsed = LanguageIdSchema.safeParse(this.controls.get('language'));
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
    this.doc.destroy();
  }
}

const RUN_STATE_ORDER: Record<RunRecord['state'], number> = { queued: 0, running: 1, completed: 2, failed: 2 };
