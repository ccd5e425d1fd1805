import { z } from 'zod';
import type { ErrorBody } from './errors';
import type { RunStarted, RunUpdate, RunsHistory } from './execution';
import type { ChatHistory, ChatMessage, InterviewState } from './interview';
import { LanguageIdSchema } from './languages';
import { DisplayNameSchema, InterviewerTokenSchema, SessionIdSchema } from './sessions';

import { PROTOCOL_VERSION, type NOTES_EVENT, type YJS_EVENT } from './wire';

export { NOTES_EVENT, PROTOCOL_VERSION, SOCKET_PATH, YJS_EVENT } from './wire';

export const ROLES = ['interviewer', 'candidate'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const PRESENCE_STATUSES = ['active', 'idle', 'away'] as const;
export const PresenceStatusSchema = z.enum(PRESENCE_STATUSES);
export type PresenceStatus = z.infer<typeof PresenceStatusSchema>;

/** Socket.IO `auth` payload sent at handshake. */
export const HandshakeAuthSchema = z.strictObject({
  sessionId: SessionIdSchema,
  name: DisplayNameSchema,
  token: InterviewerTokenSchema.optional(),
  /** The session generation this client's document came from; absent on a first join. */
  generation: z.string().uuid().optional(),
  protocolVersion: z.literal(PROTOCOL_VERSION).optional(),
});
export type HandshakeAuth = z.infer<typeof HandshakeAuthSchema>;

/** Sent by the server right after a successful handshake. */
export const WelcomeSchema = z.object({
  sessionId: z.string(),
  generation: z.string(),
  role: RoleSchema,
  name: z.string(),
  protocolVersion: z.number(),
});
export type Welcome = z.infer<typeof WelcomeSchema>;

/** Why the server closed a room connection; sent on `session:closed` before disconnecting. */
export const CLOSE_REASONS = ['expired', 'deleted', 'ended', 'shutdown'] as const;
export const SessionClosedSchema = z.object({ reason: z.enum(CLOSE_REASONS), message: z.string() });
export type SessionClosed = z.infer<typeof SessionClosedSchema>;

export const SetLanguageSchema = z.strictObject({ language: LanguageIdSchema });
export type SetLanguage = z.infer<typeof SetLanguageSchema>;

/** The awareness `user` field; the server overwrites `role` with the one it verified. */
export const AwarenessUserSchema = z.object({
  name: DisplayNameSchema,
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  colorLight: z.string().regex(/^#[0-9a-fA-F]{6,8}$/),
  role: RoleSchema,
  status: PresenceStatusSchema.default('active'),
  /** A random id per browser and session: one person's tabs show as one participant. */
  personId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/).optional(),
});
export type AwarenessUser = z.infer<typeof AwarenessUserSchema>;

export type Ack<T = Record<string, never>> = ({ ok: true } & T) | { ok: false; error: ErrorBody };

/** Client → server events other than the binary Yjs channel (each answered through an ack). */
export interface ClientToServerEvents {
  [YJS_EVENT]: (message: Uint8Array) => void;
  'room:set-language': (payload: unknown, ack?: (result: Ack) => void) => void;
  /** Run the room's code (payload: RunStart); the ack carries the queued run. */
  'run:start': (payload: unknown, ack?: (result: Ack<RunStarted>) => void) => void;
  /** Interviewer only: lock or unlock editing for candidates (SetLocked). */
  'room:lock': (payload: unknown, ack?: (result: Ack<{ state: InterviewState }>) => void) => void;
  /** Interviewer only: stop or allow candidates' runs (SetRunDisabled). */
  'room:disable-run': (payload: unknown, ack?: (result: Ack<{ state: InterviewState }>) => void) => void;
  /** Interviewer only: end the interview; the room turns read-only for everyone. */
  'room:end': (payload: unknown, ack?: (result: Ack<{ state: InterviewState }>) => void) => void;
  /** Post a chat message (ChatSend) to everyone in the room. */
  'chat:send': (payload: unknown, ack?: (result: Ack<{ message: ChatMessage }>) => void) => void;
  /** A candidate's tab lost or regained focus (FocusReport); recorded on the timeline. */
  'activity:focus': (payload: unknown, ack?: (result: Ack) => void) => void;
  /** Interviewer only: y-protocols sync of the private notes document. */
  [NOTES_EVENT]: (message: Uint8Array) => void;
}

/** Server → client events. */
export interface ServerToClientEvents {
  [YJS_EVENT]: (message: Uint8Array) => void;
  'session:welcome': (welcome: Welcome) => void;
  'session:closed': (closed: SessionClosed) => void;
  'room:error': (error: ErrorBody) => void;
  /** A run in this room changed state; every participant receives the same record. */
  'run:update': (update: RunUpdate) => void;
  /** The room's recent runs, sent on every join (newest first). */
  'runs:history': (history: RunsHistory) => void;
  /** Lock, run-disable and end: sent at join and on every change, to everyone. */
  'room:state': (state: InterviewState) => void;
  'chat:message': (message: ChatMessage) => void;
  /** The room's chat so far, sent at join. */
  'chat:history': (history: ChatHistory) => void;
  /** Private notes sync; only ever emitted to interviewer connections. */
  [NOTES_EVENT]: (message: Uint8Array) => void;
}
