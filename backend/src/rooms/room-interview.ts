import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import {
  AppError,
  CHAT_HISTORY_LIMIT,
  DEFAULT_LANGUAGE,
  INTERVIEW_DOC,
  LanguageIdSchema,
  META_KEYS,
  NOTES_EVENT,
  PASTE_RECORD_THRESHOLD,
  ROOM_DOC,
  RUN_HISTORY_LIMIT,
  decide,
  isWorkspaceText,
  readWorkspace,
  workspaceFiles,
  type ChatMessage,
  type InterviewReport,
  type InterviewState,
  type LanguageId,
  type Role,
  type RoomAction,
  type RunControl,
  type RunFile,
  type RunRecord,
  type Timeline,
} from '@pairpad/protocol';
import { InterviewNotes } from './interview-notes';
import { InterviewStateDoc } from './interview-state';
import type { RoomConnection } from './room-connection';
import { RunConsole, type RunConsoleLimits } from './run-console';
import { TimelineRecorder, type TimelineRecorderOptions } from './timeline-recorder';
import { EditRecorder, insertedClockTicks, stampEditTime, type EditRecorderOptions } from './edit-recorder';
import { REMOTE_ORIGIN } from './room-extension';
import { DEFAULT_ROOM_QUESTION_LIMITS, RoomQuestions, type RoomQuestionLimits } from './room-questions';

/** The maps whose files' pastes are recorded (the entry's text is observed on its own). */
const PASTE_WATCHED_MAPS = [ROOM_DOC.fileTexts, ROOM_DOC.files] as const;

/** What a paste is read from: a text's change (its target, its delta). */
interface TextChange {
  target: unknown;
  delta: ReadonlyArray<{ insert?: unknown }>;
}

/** Console transcripts sent at join: the newest runs' (older ones come with the timeline). */
const CONSOLE_HISTORY_AT_JOIN = 3;

export interface RoomInterviewOptions {
  /** The session store says it ended (a room rebuilt after a restart stays read-only). */
  ended?: boolean;
  /** Called once when the interview is ended on this node. */
  onEnded?: (endedAt: number) => void;
  /** Console input, eof or a stop was added (on any node): the node running the job acts on it. */
  onConsoleControl?: (jobId: string, control: RunControl) => void;
  timeline?: TimelineRecorderOptions;
  /** How the code's edits are recorded (merge window, chunks). */
  edits?: EditRecorderOptions;
  /** Limits on the room's test cases (configuration). */
  questions?: RoomQuestionLimits;
  /** Console limits (line, input and output sizes, transcripts kept). */
  console?: Partial<RunConsoleLimits>;
  now?: () => number;
}

/** What the interview layer reads from its room. */
interface RoomDocument {
  readonly doc: Y.Doc;
  readonly sessionId: string;
}

const controlsOf = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(INTERVIEW_DOC.controls);
const chatOf = (doc: Y.Doc): Y.Array<ChatMessage> => doc.getArray<ChatMessage>(INTERVIEW_DOC.chat);
const runsOf = (doc: Y.Doc): Y.Map<RunRecord> => doc.getMap<RunRecord>(INTERVIEW_DOC.runs);

/** Throws the decision's named error unless `role` may do `action` now. */
export function assertAllowed(action: RoomAction, role: Role, state: InterviewState): void {
  const decision = decide(action, role, state);
  if (!decision.allowed) throw new AppError(decision.code, decision.message);
}

/**
 * Everything that makes a room an interview rather than a shared editor: lock / run-disable /
 * end with their enforcement, chat, runs, the interviewers' private notes (a separate document
 * sent only to interviewer connections), and the timeline. All of it lives in replicated Yjs
 * documents (`InterviewStateDoc`, `InterviewNotes`) that the room's relay carries between nodes,
 * so a change made on any node reaches this node's connections through the observers below.
 */
export class RoomInterview {
  readonly state = new InterviewStateDoc();
  readonly notes = new InterviewNotes();
  readonly timeline: TimelineRecorder;
  /** Every edit of the code document with its time and author, for playback. */
  readonly edits: EditRecorder;
  /** The room's question, test cases (hidden ones for interviewers only) and test runs. */
  readonly questions: RoomQuestions;
  /** Runs' console transcripts: live output, typed input, stops. */
  readonly console: RunConsole;
  readonly chat = {
    list: (): ChatMessage[] => this.state.chat.toArray(),
  };
  private readonly connections = new Set<RoomConnection>();
  private readonly now: () => number;
  private readonly endedByRecord: boolean;
  private announcedState: string;

  constructor(
    private readonly room: RoomDocument,
    private readonly options: RoomInterviewOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.endedByRecord = options.ended ?? false;
    const code = room.doc.getText(ROOM_DOC.code);
    this.timeline = new TimelineRecorder(this.state, { now: this.now, ...options.timeline });
    this.edits = new EditRecorder(this.state, room.doc, this.editAuthor, { now: this.now, ...options.edits });
    this.announcedState = JSON.stringify(this.current);
    this.questions = new RoomQuestions({
      interview: this.state,
      limits: options.questions ?? DEFAULT_ROOM_QUESTION_LIMITS,
      now: this.now,
      state: () => this.current,
      connections: () => this.connections,
      record: (event) => this.timeline.record(event),
    });
    this.console = new RunConsole(this.state, {
      now: this.now,
      ...(options.console ? { limits: options.console } : {}),
      onEntries: (entries) => this.notifyAll({ type: 'console', entries }),
      onControl: (jobId, control) => options.onConsoleControl?.(jobId, control),
    });
    code.observe(this.watchCode);
    for (const name of PASTE_WATCHED_MAPS) room.doc.getMap(name).observeDeep(this.watchFiles);
    room.doc.getMap(ROOM_DOC.meta).observe(this.watchLanguage);
    this.state.whenHeld((doc) => this.observeState(doc));
    this.notes.onUpdate(this.relayNotes);
  }

  /** Lock, run-disable and end as every node sees them. */
  get current(): InterviewState {
    return this.state.state(this.endedByRecord);
  }

  /**
   * Runs what an idle room does to its interview (opening, joins, leaves, a save, a relayed
   * update) without keeping the interview document made for it: see `InterviewStateDoc`.
   */
  quietly<T>(operation: () => T): T {
    return this.state.quietly(operation);
  }

  /** The room holds the shared state now (loaded from the other nodes / Redis): start recording. */
  opened(): void {
    this.quietly(() => {
      this.state.initialize(this.now(), this.currentLanguage());
      this.edits.start();
    });
  }

  joined(connection: RoomConnection): void {
    this.quietly(() => this.welcome(connection));
  }

  private welcome(connection: RoomConnection): void {
    // One person in several tabs joins the timeline once (a person: role and name, as in the report).
    if (!this.hasPerson(connection)) this.timeline.record({ at: this.now(), kind: 'join', name: connection.name, role: connection.role });
    this.connections.add(connection);
    connection.notify?.({ type: 'state', state: this.current });
    connection.notify?.({ type: 'chat-history', history: { messages: this.chat.list() } });
    const recent = this.state.runList().reverse().slice(0, RUN_HISTORY_LIMIT);
    connection.notify?.({ type: 'run-history', runs: recent });
    const transcripts = recent
      .slice(0, CONSOLE_HISTORY_AT_JOIN)
      .map((run) => ({ jobId: run.jobId, entries: this.console.transcript(run.jobId) }))
      .filter((transcript) => transcript.entries.length > 0);
    connection.notify?.({ type: 'console-history', transcripts });
    if (decide('notes', connection.role, this.current).allowed) connection.notify?.({ type: NOTES_EVENT, message: this.notes.syncStep1() });
    this.questions.joined(connection);
  }

  left(connection: RoomConnection): void {
    if (!this.connections.delete(connection)) return;
    if (!this.hasPerson(connection))
      this.quietly(() => this.timeline.record({ at: this.now(), kind: 'leave', name: connection.name, role: connection.role }));
  }

  /** Another of this node's connections is the same person as `connection` (same role and name). */
  private hasPerson(connection: RoomConnection): boolean {
    for (const other of this.connections)
      if (other !== connection && other.role === connection.role && other.name === connection.name) return true;
    return false;
  }

  /**
   * Decides whether a document update from `connection` may be applied. A participant who may not
   * edit gets SESSION_ENDED / EDITING_LOCKED, unless the update adds nothing the document lacks
   * (the SyncStep2 every client sends on join), which is let through as a no-op.
   */
  assertCanUpdate(connection: RoomConnection, update: Uint8Array): void {
    const decision = decide('edit', connection.role, this.current);
    if (decision.allowed || Y.snapshotContainsUpdate(Y.snapshot(this.room.doc), update)) return;
    throw new AppError(decision.code, decision.message);
  }

  /** Throws unless `role` may do `action` now. */
  assert(action: RoomAction, role: Role): void {
    assertAllowed(action, role, this.current);
  }

  setLocked(connection: RoomConnection, locked: boolean): InterviewState {
    this.assert('lock', connection.role);
    this.state.doc.transact(() => {
      if (this.state.setControl('locked', locked)) this.timeline.record({ at: this.now(), kind: 'lock', name: connection.name, locked });
    });
    return this.current;
  }

  setRunDisabled(connection: RoomConnection, disabled: boolean): InterviewState {
    this.assert('disable-run', connection.role);
    this.state.doc.transact(() => {
      if (this.state.setControl('runDisabled', disabled))
        this.timeline.record({ at: this.now(), kind: 'run-disabled', name: connection.name, disabled });
    });
    return this.current;
  }

  end(connection: RoomConnection): InterviewState {
    this.assert('end', connection.role);
    const at = this.now();
    this.edits.flush();
    let ended = false;
    this.state.doc.transact(() => {
      ended = this.state.end(at);
      if (ended) this.timeline.record({ at, kind: 'end', name: connection.name });
    });
    if (ended) this.options.onEnded?.(at);
    return this.current;
  }

  /** Posts a chat message (text already validated) to everyone in the room, on every node. */
  postChat(connection: RoomConnection, text: string): ChatMessage {
    this.assert('chat', connection.role);
    const message: ChatMessage = { id: randomUUID(), at: this.now(), name: connection.name, role: connection.role, text };
    InterviewStateDoc.pushBounded(this.state.chat, message, CHAT_HISTORY_LIMIT);
    return message;
  }

  /** A candidate's tab lost or regained focus; interviewers' focus is not recorded. */
  reportFocus(connection: RoomConnection, focused: boolean): void {
    if (connection.role !== 'candidate') return;
    this.timeline.record({ at: this.now(), kind: 'focus', name: connection.name, focused });
  }

  /** One notes sync message: interviewers only; anyone else gets FORBIDDEN and learns nothing. */
  handleNotes(connection: RoomConnection, message: Uint8Array): void {
    this.assert('notes', connection.role);
    if (!this.connections.has(connection)) throw new AppError('NOT_JOINED', 'Join the session first.');
    const reply = this.notes.handleMessage(message, connection);
    if (reply) connection.notify?.({ type: NOTES_EVENT, message: reply });
  }

  /** Throws SESSION_ENDED or FORBIDDEN when `role` may not start a run now. */
  assertCanRun(role: Role): void {
    this.assert('run', role);
  }

  recordRun(run: RunRecord): void {
    // The whole transcript before the result: a page shows the last output, then the exit status.
    if (run.state === 'completed' || run.state === 'failed') this.console.finish(run.jobId);
    // The code a run ran is in the shared recording by the time the run is.
    if (run.state === 'queued') this.edits.flush();
    this.timeline.recordRun(run);
  }

  /** A line typed into a running program's console; recorded with who typed it. */
  consoleInput(connection: RoomConnection, jobId: string, text: string): void {
    this.assertConsole(connection, jobId, true);
    this.console.input(connection, jobId, text);
  }

  /** Ctrl+D: the program's stdin ends. */
  consoleEof(connection: RoomConnection, jobId: string): void {
    this.assertConsole(connection, jobId, true);
    this.console.eof(connection, jobId);
  }

  /** Ctrl+C (SIGINT) or Stop (SIGKILL) for a running program. */
  consoleSignal(connection: RoomConnection, jobId: string, signal: 'SIGINT' | 'SIGKILL'): void {
    this.assertConsole(connection, jobId, false);
    this.console.signal(connection, jobId, signal);
  }

  /** Who may run may type and stop; only into a run that is running (and reads the console). */
  private assertConsole(connection: RoomConnection, jobId: string, needsInput: boolean): void {
    this.assert('run', connection.role);
    const run = this.state.runs.get(jobId);
    if (!run) throw new AppError('JOB_NOT_FOUND', 'No run with that id in this room.');
    if (run.state === 'queued') throw new AppError('RUN_NOT_RUNNING', 'The run has not started yet; type once it runs.');
    if (run.state !== 'running') throw new AppError('RUN_NOT_RUNNING', 'The run has finished; its console takes no more input.');
    if (needsInput && !run.interactive) {
      throw new AppError(
        'RUN_NOT_INTERACTIVE',
        'This run reads the Input box, not the console (clear the Input box to type into the program).',
      );
    }
  }

  /** Writes the edits recorded here and not yet in the shared state (before it is read or saved). */
  flushRecording(): void {
    this.edits.flush();
  }

  timelineView(): Timeline {
    this.edits.flush();
    const startedAt = this.state.startedAt ?? this.now();
    return {
      sessionId: this.room.sessionId,
      language: this.state.startLanguage ?? this.currentLanguage(),
      startedAt,
      edits: this.edits.view(startedAt),
      events: this.timeline.events(),
      chat: this.state.chat.toArray(),
      consoles: this.console.transcripts(),
      endedAt: this.current.endedAt,
      now: this.now(),
    };
  }

  report(session: { title: string | null; createdAt: number }): InterviewReport {
    const startedAt = this.timeline.firstJoinAt();
    const { endedAt } = this.current;
    const until = endedAt ?? this.now();
    return {
      sessionId: this.room.sessionId,
      title: session.title,
      language: this.currentLanguage(),
      code: this.room.doc.getText(ROOM_DOC.code).toString(),
      ...this.reportFiles(),
      createdAt: session.createdAt,
      startedAt,
      endedAt,
      durationMs: Math.max(0, until - startedAt),
      participants: this.timeline.participants(until),
      runs: this.timeline.runs(),
      consoles: this.console.transcripts(),
      notes: this.notes.text,
      question: this.questions.view('interviewer'),
      testRuns: this.questions.runList(),
    };
  }

  /** Every file of a room that held several, the entry first; nothing for a single-file room. */
  private reportFiles(): { files?: RunFile[] } {
    const files = workspaceFiles(this.room.doc);
    return files.length > 1 ? { files } : {};
  }

  destroy(): void {
    this.edits.dispose();
    this.console.destroy();
    this.room.doc.getText(ROOM_DOC.code).unobserve(this.watchCode);
    for (const name of PASTE_WATCHED_MAPS) this.room.doc.getMap(name).unobserveDeep(this.watchFiles);
    this.room.doc.getMap(ROOM_DOC.meta).unobserve(this.watchLanguage);
    this.notes.offUpdate(this.relayNotes);
    this.state.destroy();
    this.notes.destroy();
    this.connections.clear();
  }

  private currentLanguage(): LanguageId {
    const parsed = LanguageIdSchema.safeParse(this.room.doc.getMap(ROOM_DOC.meta).get(META_KEYS.language));
    return parsed.success ? parsed.data : DEFAULT_LANGUAGE;
  }

  private notifyAll(notice: Parameters<NonNullable<RoomConnection['notify']>>[0]): void {
    for (const connection of this.connections) connection.notify?.(notice);
  }

  /** Observes a document the interview state is held in (made again each time it is). */
  private observeState(doc: Y.Doc): void {
    controlsOf(doc).observe(() => this.watchControls());
    chatOf(doc).observe((event) => this.watchChat(event));
    runsOf(doc).observe((event) => this.watchRuns(event));
    this.questions.observe(doc);
    this.console.observe(doc);
  }

  /** Lock / run-disable / end changed here or on another node: tell this node's connections. */
  private watchControls(): void {
    const state = this.current;
    const key = JSON.stringify(state);
    if (key === this.announcedState) return;
    const newlyEnded = state.ended && !(JSON.parse(this.announcedState) as InterviewState).ended;
    this.announcedState = key;
    // The last edits made here belong in the recording before the room turns read-only.
    if (newlyEnded) this.edits.flush();
    this.notifyAll({ type: 'state', state });
  }

  private watchChat(event: Y.YArrayEvent<ChatMessage>): void {
    for (const change of event.changes.delta) {
      if (!Array.isArray(change.insert)) continue;
      for (const message of change.insert as ChatMessage[]) this.notifyAll({ type: 'chat', message });
    }
  }

  private watchRuns(event: Y.YMapEvent<RunRecord>): void {
    for (const jobId of event.keysChanged) {
      const run = this.state.runs.get(jobId);
      if (run) this.notifyAll({ type: 'run', run });
    }
  }

  /** Notes updates go to the other interviewers on this node, never to a candidate's connection. */
  private readonly relayNotes = (update: Uint8Array, origin: unknown): void => {
    const message = InterviewNotes.encodeUpdate(update);
    for (const connection of this.connections) {
      if (connection !== origin && decide('notes', connection.role, this.current).allowed)
        connection.notify?.({ type: NOTES_EVENT, message });
    }
  };

  private readonly watchCode = (event: Y.YTextEvent): void => {
    this.recordPastes(event.transaction, [event], true);
  };

  /** The workspace's other files (each a Y.Text in fileTexts, or the old shape's files map). */
  private readonly watchFiles = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>, transaction: Y.Transaction): void => {
    const texts = events.filter((event) => isWorkspaceText(event.target));
    if (texts.length > 0) this.recordPastes(transaction, texts, false);
  };

  /**
   * Records a paste in any file of the workspace, with the file's path once the room has several
   * files (a single-file room records as before, without one).
   */
  private recordPastes(transaction: Y.Transaction, events: ReadonlyArray<TextChange>, entry: boolean): void {
    const origin = transaction.origin;
    if (!this.connections.has(origin as RoomConnection)) return;
    const author = origin as RoomConnection;
    // One transaction inserting this much at once is a paste (or a drop): typing is one character
    // per update. `event.delta` walks the whole text, so it is only computed when the transaction
    // created enough new items (one clock tick per inserted character) to hold a paste: per
    // keystroke this check is O(1), where the delta cost a third of the backend's CPU under load.
    if (insertedClockTicks(transaction) <= PASTE_RECORD_THRESHOLD) return;
    const at = this.now();
    for (const event of events) {
      for (const op of event.delta) {
        if (typeof op.insert === 'string' && op.insert.length > PASTE_RECORD_THRESHOLD) {
          // The edit is recorded at the paste's time: playback at the paste shows the pasted code.
          stampEditTime(transaction, at);
          const view = readWorkspace(this.room.doc);
          const several = view.files.length > 1 || view.folders.length > 0;
          const path = entry ? (several ? view.entry : undefined) : view.files.find((file) => file.text === event.target)?.path;
          this.timeline.record({
            at,
            kind: 'paste',
            name: author.name,
            role: author.role,
            chars: op.insert.length,
            ...(path ? { path } : {}),
          });
        }
      }
    }
  }

  /** A code update's author: this node's connection, the server (null), or another node's (not recorded here). */
  private readonly editAuthor = (origin: unknown): { name: string; role: Role } | null | undefined => {
    if (origin === REMOTE_ORIGIN) return undefined;
    const connection = origin as RoomConnection;
    return this.connections.has(connection) ? { name: connection.name, role: connection.role } : null;
  };

  private readonly watchLanguage = (event: Y.YMapEvent<unknown>): void => {
    if (!event.keysChanged.has(META_KEYS.language)) return;
    // Recorded by the node where the change was made; other nodes receive the entry.
    if (!this.connections.has(event.transaction.origin as RoomConnection) && event.transaction.origin !== null) return;
    const parsed = LanguageIdSchema.safeParse(this.room.doc.getMap(ROOM_DOC.meta).get(META_KEYS.language));
    if (parsed.success) this.timeline.record({ at: this.now(), kind: 'language', language: parsed.data });
  };
}
