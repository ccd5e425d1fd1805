import type {
  ChatHistory,
  ChatMessage,
  ConsoleEntries,
  ConsoleTranscript,
  InterviewState,
  NOTES_EVENT,
  PreviewStatus,
  Role,
  RoomQuestionView,
  RunRecord,
  SavingStatus,
  SessionClosed,
  TestRunRecord,
} from '@pairpad/protocol';

/** Non-Yjs news for one participant; the transport maps each to its event. */
export type RoomNotice =
  | { type: 'state'; state: InterviewState }
  | { type: 'chat'; message: ChatMessage }
  | { type: 'chat-history'; history: ChatHistory }
  /** A run changed state (wherever it runs). */
  | { type: 'run'; run: RunRecord }
  /** The room's recent runs, newest first, sent at join. */
  | { type: 'run-history'; runs: RunRecord[] }
  /** The room's question, already made into the view for this connection's role. */
  | { type: 'question'; question: RoomQuestionView }
  /** A test run changed state (the view for this connection's role). */
  | { type: 'test-run'; run: TestRunRecord }
  /** The room's recent test runs, newest first, sent at join (views for this role). */
  | { type: 'test-run-history'; runs: TestRunRecord[] }
  /** New console entries of a run (output as produced, typed lines, stops). */
  | { type: 'console'; entries: ConsoleEntries }
  /** The recent runs' console transcripts, sent at join. */
  | { type: 'console-history'; transcripts: ConsoleTranscript[] }
  /** Whether the interview is being written to the database (saving delayed while it is down). */
  | { type: 'saving'; saving: SavingStatus }
  /** The room's live preview changed state (previews/room-previews.ts; also sent at join). */
  | { type: 'preview'; preview: PreviewStatus }
  /** Private notes sync: the room only ever sends it to interviewer connections. */
  | { type: typeof NOTES_EVENT; message: Uint8Array };

/** What a room needs from a participant's connection; the transport (Socket.IO) implements it. */
export interface RoomConnection {
  readonly id: string;
  readonly role: Role;
  readonly name: string;
  /** Sends one binary y-protocols message to this participant only. */
  send(message: Uint8Array): void;
  /** Sends interview news (controls, chat, runs, notes) to this participant only. */
  notify?(notice: RoomNotice): void;
  /** Tells the participant why the room closed and drops the connection. */
  close(closed: SessionClosed): void;
}
