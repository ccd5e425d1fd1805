import * as Y from 'yjs';
import {
  AppError,
  DEFAULT_LANGUAGE,
  LanguageIdSchema,
  NOTES_EVENT,
  PASTE_RECORD_THRESHOLD,
  type ChatMessage,
  type InterviewReport,
  type InterviewState,
  type LanguageId,
  type RunRecord,
  type Timeline,
} from '../protocol';
import { ChatLog } from './chat-log';
import { InterviewControls } from './interview-controls';
import { InterviewNotes } from './interview-notes';
import type { RoomConnection } from './room-connection';
import { TimelineRecorder, type TimelineRecorderOptions } from './timeline-recorder';

export interface RoomInterviewOptions {
  /** The session was already ended (a room rebuilt after a restart stays read-only). */
  ended?: boolean;
  /** Called once when the interviewer ends the interview (the composition persists it). */
  onEnded?: (endedAt: number) => void;
  timeline?: TimelineRecorderOptions;
  now?: () => number;
}

/** What the interview layer reads from its room. */
interface RoomDocument {
  readonly doc: Y.Doc;
  readonly sessionId: string;
}

/**
 * Everything that makes a room an interview rather than a shared editor: lock / run-disable /
 * end with their enforcement, chat, the interviewers' private notes (a separate document sent
 * only to interviewer connections), and the timeline recorder. Transport-agnostic like the room.
 */
export class RoomInterview {
  readonly controls: InterviewControls;
  readonly chat: ChatLog;
  readonly notes = new InterviewNotes();
  readonly timeline: TimelineRecorder;
  private readonly connections = new Set<RoomConnection>();
  private readonly now: () => number;
  private readonly initialLanguage: LanguageId;

  constructor(
    private readonly room: RoomDocument,
    private readonly options: RoomInterviewOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.controls = new InterviewControls({ ended: options.ended ?? false });
    this.initialLanguage = this.currentLanguage();
    this.chat = new ChatLog(undefined, this.now);
    const code = room.doc.getText('code');
    this.timeline = new TimelineRecorder(() => code.toString(), { now: this.now, ...options.timeline });
    code.observe(this.watchCode);
    room.doc.getMap('meta').observe(this.watchLanguage);
    this.notes.doc.on('update', this.relayNotes);
  }

  get state(): InterviewState {
    return this.controls.current;
  }

  joined(connection: RoomConnection): void {
    // One person in several tabs joins the timeline once (a person: role and name, as in the report).
    if (!this.hasPerson(connection)) this.timeline.record({ at: this.now(), kind: 'join', name: connection.name, role: connection.role });
    this.connections.add(connection);
    connection.notify?.({ type: 'state', state: this.state });
    connection.notify?.({ type: 'chat-history', history: { messages: this.chat.list() } });
    if (connection.role === 'interviewer') connection.notify?.({ type: NOTES_EVENT, message: this.notes.syncStep1() });
  }

  left(connection: RoomConnection): void {
    if (!this.connections.delete(connection)) return;
    if (!this.hasPerson(connection)) this.timeline.record({ at: this.now(), kind: 'leave', name: connection.name, role: connection.role });
  }

  /** Another of this room's connections is the same person as `connection` (same role and name). */
  private hasPerson(connection: RoomConnection): boolean {
    for (const other of this.connections) if (other !== connection && other.role === connection.role && other.name === connection.name) return true;
    return false;
  }

  /**
   * Decides whether a document update from `connection` may be applied. A participant who may not
   * edit gets SESSION_ENDED / EDITING_LOCKED, unless the update adds nothing the document lacks
   * (the SyncStep2 every client sends on join), which is let through as a no-op.
   */
  assertCanUpdate(connection: RoomConnection, update: Uint8Array): void {
    try {
      this.controls.assertCanEdit(connection.role);
    } catch (error) {
      if (Y.snapshotContainsUpdate(Y.snapshot(this.room.doc), update)) return;
      throw error;
    }
  }

  setLocked(connection: RoomConnection, locked: boolean): InterviewState {
    this.controls.assertCanControl(connection.role, 'lock editing');
    if (this.controls.setLocked(locked)) {
      this.timeline.record({ at: this.now(), kind: 'lock', name: connection.name, locked });
      this.broadcastState();
    }
    return this.state;
  }

  setRunDisabled(connection: RoomConnection, disabled: boolean): InterviewState {
    this.controls.assertCanControl(connection.role, 'turn Run off for candidates');
    if (this.controls.setRunDisabled(disabled)) {
      this.timeline.record({ at: this.now(), kind: 'run-disabled', name: connection.name, disabled });
      this.broadcastState();
    }
    return this.state;
  }

  end(connection: RoomConnection): InterviewState {
    this.controls.assertCanControl(connection.role, 'end the interview');
    const at = this.now();
    this.timeline.checkpoint();
    if (this.controls.end(at)) {
      this.timeline.record({ at, kind: 'end', name: connection.name });
      this.broadcastState();
      this.options.onEnded?.(at);
    }
    return this.state;
  }

  /** Posts a chat message (text already validated) to everyone in the room. */
  postChat(connection: RoomConnection, text: string): ChatMessage {
    if (this.controls.ended) throw new AppError('SESSION_ENDED', 'This interview has ended; the chat is closed.');
    const message = this.chat.post(connection, text);
    for (const other of this.connections) other.notify?.({ type: 'chat', message });
    return message;
  }

  /** A candidate's tab lost or regained focus; interviewers' focus is not recorded. */
  reportFocus(connection: RoomConnection, focused: boolean): void {
    if (connection.role !== 'candidate') return;
    this.timeline.record({ at: this.now(), kind: 'focus', name: connection.name, focused });
  }

  /** One notes sync message: interviewers only; anyone else gets FORBIDDEN and learns nothing. */
  handleNotes(connection: RoomConnection, message: Uint8Array): void {
    if (connection.role !== 'interviewer') throw new AppError('FORBIDDEN', 'Private notes are for interviewers only.');
    if (!this.connections.has(connection)) throw new AppError('NOT_JOINED', 'Join the session first.');
    const reply = this.notes.handleMessage(message, connection);
    if (reply) connection.notify?.({ type: NOTES_EVENT, message: reply });
  }

  /** Throws SESSION_ENDED or FORBIDDEN when `role` may not start a run now. */
  assertCanRun(role: RoomConnection['role']): void {
    this.controls.assertCanRun(role);
  }

  recordRun(run: RunRecord): void {
    this.timeline.recordRun(run);
  }

  timelineView(): Timeline {
    const recorded = this.timeline.timeline();
    return { sessionId: this.room.sessionId, language: this.initialLanguage, ...recorded, endedAt: this.state.endedAt, now: this.now() };
  }

  report(session: { title: string | null; createdAt: number }): InterviewReport {
    this.timeline.checkpoint();
    const startedAt = this.timeline.firstJoinAt();
    const until = this.state.endedAt ?? this.now();
    return {
      sessionId: this.room.sessionId,
      title: session.title,
      language: this.currentLanguage(),
      code: this.room.doc.getText('code').toString(),
      createdAt: session.createdAt,
      startedAt,
      endedAt: this.state.endedAt,
      durationMs: Math.max(0, until - startedAt),
      participants: this.timeline.participants(until),
      runs: this.timeline.runs(),
      notes: this.notes.text,
    };
  }

  destroy(): void {
    this.timeline.dispose();
    this.notes.doc.off('update', this.relayNotes);
    this.notes.destroy();
    this.connections.clear();
  }

  private currentLanguage(): LanguageId {
    const parsed = LanguageIdSchema.safeParse(this.room.doc.getMap('meta').get('language'));
    return parsed.success ? parsed.data : DEFAULT_LANGUAGE;
  }

  private broadcastState(): void {
    const state = this.state;
    for (const connection of this.connections) connection.notify?.({ type: 'state', state });
  }

  /** Notes updates go to the other interviewers, never to a candidate's connection. */
  private readonly relayNotes = (update: Uint8Array, origin: unknown): void => {
    const message = InterviewNotes.encodeUpdate(update);
    for (const connection of this.connections) {
      if (connection.role === 'interviewer' && connection !== origin) connection.notify?.({ type: NOTES_EVENT, message });
    }
  };

  private readonly watchCode = (event: Y.YTextEvent): void => {
    this.timeline.noteChange();
    const origin = event.transaction.origin;
    if (!this.connections.has(origin as RoomConnection)) return;
    const author = origin as RoomConnection;
    // One transaction inserting this much at once is a paste (or a drop): typing is one character per update.
    for (const op of event.delta) {
      if (typeof op.insert === 'string' && op.insert.length > PASTE_RECORD_THRESHOLD) {
        this.timeline.record({ at: this.now(), kind: 'paste', name: author.name, role: author.role, chars: op.insert.length });
      }
    }
  };

  private readonly watchLanguage = (event: Y.YMapEvent<unknown>): void => {
    if (!event.keysChanged.has('language')) return;
    const parsed = LanguageIdSchema.safeParse(this.room.doc.getMap('meta').get('language'));
    if (parsed.success) this.timeline.record({ at: this.now(), kind: 'language', language: parsed.data });
  };
}
