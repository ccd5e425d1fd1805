import { z } from 'zod';
import type { ConsoleTranscript } from './console';
import type { LanguageId } from './languages';
import type { RunRecord } from './execution';
import type { RoomQuestionView, TestRunRecord } from './room-questions';
import type { Role } from './realtime';
import type { RunFile } from './run-files';

/** Chat messages a room keeps (oldest dropped first) and the longest message accepted. */
export const CHAT_HISTORY_LIMIT = 500;
export const MAX_CHAT_MESSAGE_LENGTH = 2000;
/** Private notes are plain text; their Yjs document may not grow past this. */
export const MAX_NOTES_BYTES = 256 * 1024;
/** A single insert longer than this (in characters) is recorded as a paste. */
export const PASTE_RECORD_THRESHOLD = 200;

/** The room's interview controls, announced to everyone on join and on every change (`room:state`). */
export interface InterviewState {
  /** Candidates may not edit the code or the shared input. */
  locked: boolean;
  /** Candidates may not start runs. */
  runDisabled: boolean;
  /** Read-only for everyone, no runs, no chat. */
  ended: boolean;
  /** Server clock (epoch ms) when the interview ended. */
  endedAt: number | null;
}

/**
 * Whether the interview is being written to the database (`room:saving`, at join and on every
 * change): `delayed` while the database cannot take it (down, disk full); the room keeps working
 * and everything is written once it is back.
 */
export const SavingStatusSchema = z.object({ status: z.enum(['saved', 'delayed']) });
export type SavingStatus = z.infer<typeof SavingStatusSchema>;

/** `room:lock` (interviewer only). */
export const SetLockedSchema = z.strictObject({ locked: z.boolean() });
/** `room:disable-run` (interviewer only). */
export const SetRunDisabledSchema = z.strictObject({ disabled: z.boolean() });
/** `room:end` (interviewer only): no fields; `{}` or nothing. */
export const EndInterviewSchema = z.strictObject({});

/** `chat:send`: plain text; never rendered as HTML. */
export const ChatSendSchema = z.strictObject({
  text: z.string().trim().min(1, 'must not be empty').max(MAX_CHAT_MESSAGE_LENGTH, `must be at most ${MAX_CHAT_MESSAGE_LENGTH} characters`),
});

export interface ChatMessage {
  id: string;
  /** Server clock, epoch ms. */
  at: number;
  name: string;
  role: Role;
  text: string;
}

export interface ChatHistory {
  messages: ChatMessage[];
}

/** `activity:focus` from a candidate's page: the tab lost or regained focus. */
export const FocusReportSchema = z.strictObject({ focused: z.boolean() });

/** One thing that happened in the room, as recorded for playback. Times are server epoch ms. */
export type TimelineEvent =
  | { at: number; kind: 'join' | 'leave'; name: string; role: Role }
  /** `path`: the file pasted into, in a room of several files (absent in a single-file room, as before). */
  | { at: number; kind: 'paste'; name: string; role: Role; chars: number; path?: string }
  | { at: number; kind: 'focus'; name: string; focused: boolean }
  | { at: number; kind: 'language'; language: LanguageId }
  | { at: number; kind: 'lock'; name: string; locked: boolean }
  | { at: number; kind: 'run-disabled'; name: string; disabled: boolean }
  | { at: number; kind: 'end'; name: string }
  /** A question was loaded into the room (or its description and cases edited). */
  | { at: number; kind: 'question'; name: string; title: string | null; tests: number; edited: boolean }
  /** A test run finished: `summary` is "7 / 9 passed" or why it could not run. */
  | { at: number; kind: 'tests'; name: string; runId: string; passed: number; total: number; summary: string }
  | { at: number; kind: 'run'; run: RunRecord };

/** Who made an edit (a participant); the server's own edits (a question's starter code) have none. */
export interface TimelineEditAuthor {
  name: string;
  role: Role;
}

/**
 * Every edit of the code document, compact: the room's own Yjs updates, one author's updates
 * within a fraction of a second merged into one (`Y.mergeUpdates`). Applying `base`, then the
 * updates in order up to a moment, rebuilds the document exactly as it was then
 * (`EditReplay` in `@pairpad/client`).
 */
export interface TimelineEdits {
  /** base64 of one Yjs update: the document before the first edit kept (empty for a new room). */
  base: string;
  /** The edits' authors; `by` indexes this list. */
  authors: TimelineEditAuthor[];
  /** Each edit's time (server epoch ms, when its last update was applied) as the difference from the previous one; the first from `Timeline.startedAt`. */
  at: number[];
  /** Each edit's author: an index into `authors`, or -1 for the server. */
  by: number[];
  /** base64 of the edits' Yjs updates, each prefixed with its byte length (a lib0 varuint). */
  updates: string;
}

/** `GET /api/sessions/:id/timeline` (interviewer only). */
export interface Timeline {
  sessionId: string;
  /** The room's language when recording began; later changes are `language` events. */
  language: LanguageId;
  /** When recording began (the room opened). */
  startedAt: number;
  endedAt: number | null;
  /** Server clock when this answer was made. */
  now: number;
  /** The code document's edits, for a keystroke-by-keystroke replay. */
  edits: TimelineEdits;
  events: TimelineEvent[];
  /** The chat, oldest first (everyone in the room saw it). */
  chat?: ChatMessage[];
  /** The kept runs' console transcripts (output, typed lines, stops), for playback. */
  consoles?: ConsoleTranscript[];
}

export interface ReportParticipant {
  name: string;
  role: Role;
  firstJoinedAt: number;
  lastSeenAt: number;
}

/** `GET /api/sessions/:id/report` (interviewer only). */
export interface InterviewReport {
  sessionId: string;
  title: string | null;
  language: LanguageId;
  /** The entry file's final content (the code of a single-file room). */
  code: string;
  /** Every file's final content, the entry first, when the room held several (workspace.ts). */
  files?: RunFile[];
  createdAt: number;
  startedAt: number;
  endedAt: number | null;
  /** From the first join to the end (or now while it goes on). */
  durationMs: number;
  participants: ReportParticipant[];
  /** Every run of the session, oldest first. */
  runs: RunRecord[];
  /** Console transcripts of the kept runs (interactive runs' input with who typed it). */
  consoles?: ConsoleTranscript[];
  notes: string;
  /** The room's question as the interviewer sees it (hidden cases included). */
  question?: RoomQuestionView;
  /** The room's recent test runs in full, oldest first. */
  testRuns?: TestRunRecord[];
}

/** How many runs an interview had: program runs and test runs are both runs ("Runs 0" after a test run was wrong). */
export interface RunCounts {
  /** Program runs (Run, `POST /api/execute`). */
  runs: number;
  testRuns: number;
  total: number;
}

export function reportRunCounts(report: Pick<InterviewReport, 'runs' | 'testRuns'>): RunCounts {
  const runs = report.runs.length;
  const testRuns = report.testRuns?.length ?? 0;
  return { runs, testRuns, total: runs + testRuns };
}

/** A program run or a finished test run on the timeline: what playback's Runs list shows. */
export type TimelineRunEvent = Extract<TimelineEvent, { kind: 'run' | 'tests' }>;

/** The program runs and test runs among `events`, in their order (the timeline's is time order). */
export function timelineRuns(events: readonly TimelineEvent[]): TimelineRunEvent[] {
  return events.filter((event): event is TimelineRunEvent => event.kind === 'run' || event.kind === 'tests');
}
