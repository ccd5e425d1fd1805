import type { Request, Response } from 'express';
import { AppError, InterviewerTokenSchema, type Role } from '@pairpad/protocol';
import type { SessionRecord, SessionService } from '../sessions';
import { authOf } from './authentication';

/** The bearer token of `Authorization: Bearer <token>`, if any (malformed → UNAUTHORIZED). */
export function bearerToken(request: Request): string | undefined {
  const header = request.get('authorization');
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  const parsed = InterviewerTokenSchema.safeParse(match?.[1]);
  if (!parsed.success) throw new AppError('UNAUTHORIZED', 'Send the interviewer token as "Authorization: Bearer <token>".');
  return parsed.data;
}

/**
 * The caller's role for a session: interviewer when signed in as a team member, or with this
 * session's unrevoked guest token (bearer); candidate with neither.
 */
export async function roleOfRequest(
  sessions: SessionService,
  sessionId: string,
  request: Request,
  response: Response,
): Promise<{ record: SessionRecord; role: Role }> {
  const record = await sessions.require(sessionId);
  if (authOf(response)) return { record, role: 'interviewer' };
  return { record, role: sessions.roleFor(record, bearerToken(request)) };
}

/** The session, for a team member or its guest interviewer; anyone else: SIGN_IN_REQUIRED. */
export async function requireInterviewer(
  sessions: SessionService,
  sessionId: string,
  request: Request,
  response: Response,
): Promise<SessionRecord> {
  const { record, role } = await roleOfRequest(sessions, sessionId, request, response);
  if (role !== 'interviewer')
    throw new AppError('SIGN_IN_REQUIRED', 'Only the interview team can see this: sign in, or use the interviewer link.');
  return record;
}
