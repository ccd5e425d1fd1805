/**
 * The socket protocol in one table: every client → server event's name, zod schema, payload type
 * and ack type. The server binds its handlers from it (`realtime/bind-events.ts`), the client
 * types its calls with it (`SocketYjsProvider.request`), and the list of known events is derived
 * from it. The two binary channels (Yjs, notes) are not acked and are listed apart.
 */
import type { z } from 'zod';
import { ConsoleEofSchema, ConsoleInputSchema, ConsoleSignalSchema, type ConsoleEntries, type ConsoleTranscript } from './console';
import type { ErrorBody } from './errors';
import { RunStartSchema, type RunRecord, type RunStarted, type RunUpdate, type RunsHistory } from './execution';
import {
  ChatSendSchema,
  EndInterviewSchema,
  FocusReportSchema,
  SetLockedSchema,
  SetRunDisabledSchema,
  type ChatHistory,
  type ChatMessage,
  type InterviewState,
  type SavingStatus,
} from './interview';
import { PreviewEmptySchema, PreviewStartSchema, type PreviewAddress, type PreviewStatus } from './preview';
import { SetLanguageSchema, type SessionClosed, type Welcome } from './realtime';
import {
  EditQuestionSchema,
  LoadQuestionSchema,
  RunTestsSchema,
  type RoomQuestionView,
  type TestRunRecord,
  type TestRunUpdate,
  type TestRunsHistory,
} from './room-questions';
import { NOTES_EVENT, YJS_EVENT } from './wire';

export type Ack<T = Record<string, never>> = ({ ok: true } & T) | { ok: false; error: ErrorBody };

/** One acked client event. `A` (the ack's fields) exists at compile time only. */
export interface ClientEventSpec<S extends z.ZodType = z.ZodType, A extends object = object> {
  readonly schema: S;
  /** Words for validation errors ("Invalid lock request: …"). */
  readonly what: string;
  /** A missing payload counts as `{}`. */
  readonly optional: boolean;
  /** Phantom: the ack's type. Never set at runtime. */
  readonly ack?: A;
}

function event<A extends object = Record<string, never>>() {
  return <S extends z.ZodType>(schema: S, what: string, options: { optional?: boolean } = {}): ClientEventSpec<S, A> => ({
    schema,
    what,
    optional: options.optional ?? false,
  });
}

export const CLIENT_EVENTS = {
  'room:set-language': event()(SetLanguageSchema, 'language change'),
  /** Run the room's code; the ack carries the queued run. */
  'run:start': event<RunStarted>()(RunStartSchema, 'run request', { optional: true }),
  /** Interviewer only: lock or unlock editing for candidates. */
  'room:lock': event<{ state: InterviewState }>()(SetLockedSchema, 'lock request'),
  /** Interviewer only: stop or allow candidates' runs. */
  'room:disable-run': event<{ state: InterviewState }>()(SetRunDisabledSchema, 'run setting'),
  /** Interviewer only: end the interview; the room turns read-only for everyone. */
  'room:end': event<{ state: InterviewState }>()(EndInterviewSchema, 'end request', { optional: true }),
  /** Post a chat message to everyone in the room. */
  'chat:send': event<{ message: ChatMessage }>()(ChatSendSchema, 'chat message'),
  /** A line for the running program's stdin, echoed to everyone with who typed it. */
  'console:input': event()(ConsoleInputSchema, 'console input'),
  /** Ctrl+D: end the running program's stdin. */
  'console:eof': event()(ConsoleEofSchema, 'end of input'),
  /** Ctrl+C (SIGINT) or Stop (SIGKILL) for the running program. */
  'console:signal': event()(ConsoleSignalSchema, 'stop request'),
  /** A candidate's tab lost or regained focus; recorded on the timeline. */
  'activity:focus': event()(FocusReportSchema, 'focus report'),
  /** Interviewer only: load a bank question (description, starters, test cases) into the room. */
  'question:load': event<{ question: RoomQuestionView }>()(LoadQuestionSchema, 'question to load'),
  /** Interviewer only: write the room's own title, description, starters or test cases. */
  'question:edit': event<{ question: RoomQuestionView }>()(EditQuestionSchema, 'question edit'),
  /** Run the room's code against its test cases (whoever may run); the ack carries the queued run. */
  'tests:run': event<{ run: TestRunRecord }>()(RunTestsSchema, 'test run request', { optional: true }),
  /** Start the room's live preview from a template (whoever may run and edit); the first start loads the template's entry file into the editor. */
  'preview:start': event<{ preview: PreviewStatus }>()(PreviewStartSchema, 'preview request'),
  /** Stop the room's live preview. */
  'preview:stop': event<{ preview: PreviewStatus }>()(PreviewEmptySchema, 'preview stop', { optional: true }),
  /** This participant's address of the running preview (a signed, expiring token on the preview origin). */
  'preview:open': event<PreviewAddress>()(PreviewEmptySchema, 'preview address request', { optional: true }),
} as const satisfies Record<string, ClientEventSpec>;

export type ClientEventName = keyof typeof CLIENT_EVENTS;
/** What a client sends for `E`. */
export type ClientEventPayload<E extends ClientEventName> = (typeof CLIENT_EVENTS)[E]['optional'] extends true
  ? z.input<(typeof CLIENT_EVENTS)[E]['schema']> | undefined
  : z.input<(typeof CLIENT_EVENTS)[E]['schema']>;
/** What the server's handler receives for `E` (parsed). */
export type ClientEventInput<E extends ClientEventName> = z.output<(typeof CLIENT_EVENTS)[E]['schema']>;
/** The fields of `E`'s successful ack. */
export type ClientEventAck<E extends ClientEventName> = (typeof CLIENT_EVENTS)[E] extends ClientEventSpec<z.ZodType, infer A> ? A : never;

export const CLIENT_EVENT_NAMES = Object.keys(CLIENT_EVENTS) as ClientEventName[];
/** Binary, un-acked channels (y-protocols frames). */
export const BINARY_EVENTS = [YJS_EVENT, NOTES_EVENT] as const;
/** Every event a client may send; anything else is answered with UNKNOWN_EVENT. */
export const KNOWN_CLIENT_EVENTS: ReadonlySet<string> = new Set<string>([...CLIENT_EVENT_NAMES, ...BINARY_EVENTS]);

/** Client → server events, as Socket.IO's typed event maps want them. */
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: ClientEventPayload<E>, ack: (result: Ack<ClientEventAck<E>>) => void) => void;
} & {
  [YJS_EVENT]: (message: Uint8Array) => void;
  /** Interviewer only: y-protocols sync of the private notes document. */
  [NOTES_EVENT]: (message: Uint8Array) => void;
};

/** Server → client events. */
export interface ServerToClientEvents {
  /** y-protocols sync and awareness of the room's document (binary frames). */
  [YJS_EVENT]: (message: Uint8Array) => void;
  /** After the handshake: who this connection is in the room (role, verified name). */
  'session:welcome': (welcome: Welcome) => void;
  /** The session expired or was deleted; the connection closes after it. */
  'session:closed': (closed: SessionClosed) => void;
  /** A refused binary message (Yjs or notes): binary channels have no ack to carry it. */
  'room:error': (error: ErrorBody) => void;
  /** A run in this room changed state; every participant receives the same record. */
  'run:update': (update: RunUpdate) => void;
  /** The room's recent runs, sent on every join (newest first). */
  'runs:history': (history: RunsHistory) => void;
  /** New entries of a run's console (output as produced, typed lines, stops), in order. */
  'console:entries': (entries: ConsoleEntries) => void;
  /** The room's live preview changed state (also sent at join). */
  'preview:status': (status: PreviewStatus) => void;
  /** The newest runs' console transcripts, sent at join. */
  'console:history': (history: { transcripts: ConsoleTranscript[] }) => void;
  /** Whether the interview is being written to the database: at join and on every change. */
  'room:saving': (saving: SavingStatus) => void;
  /** Lock, run-disable and end: sent at join and on every change, to everyone. */
  'room:state': (state: InterviewState) => void;
  /** A chat message posted by anyone in the room, with the sender's verified name and role. */
  'chat:message': (message: ChatMessage) => void;
  /** The room's chat so far, sent at join. */
  'chat:history': (history: ChatHistory) => void;
  /** Private notes sync; only ever emitted to interviewer connections. */
  [NOTES_EVENT]: (message: Uint8Array) => void;
  /** The room's question for this participant's role: at join and on every change. */
  'question:state': (question: RoomQuestionView) => void;
  /** A test run changed state; each participant receives the view for their role. */
  'tests:update': (update: TestRunUpdate) => void;
  /** The room's recent test runs, newest first, at join. */
  'tests:history': (history: TestRunsHistory) => void;
}

export type { RunRecord };
