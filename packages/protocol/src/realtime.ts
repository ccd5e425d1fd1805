import { z } from 'zod';
import { LanguageIdSchema } from './languages';
import { DisplayNameSchema, InterviewerTokenSchema, SessionIdSchema } from './sessions';

import { PRESENCE_STATUSES, ROLES } from './first-load-schemas';
import { PROTOCOL_VERSION } from './wire';

export { NOTES_EVENT, PROTOCOL_VERSION, SOCKET_PATH, YJS_EVENT } from './wire';

export { PRESENCE_STATUSES, ROLES } from './first-load-schemas';
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

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
  /** The server reads binary frames: the client may send its Yjs messages as frames. */
  binaryFrames: z.boolean().optional(),
  /**
   * The server keeps each participant's presence for as long as the connection lasts, so the
   * client need not renew it every 15 s (y-protocols' keep-alive) nor time out the others'. An
   * older server omits it and times presence out: the client then renews as y-protocols does.
   */
  presenceUntilDisconnect: z.boolean().optional(),
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
  personId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/)
    .optional(),
});
export type AwarenessUser = z.infer<typeof AwarenessUserSchema>;
