import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { AppError, SESSION_ID_PATTERN, type CreateSessionBody, type Role, type SessionPublicView } from '@pairpad/protocol';
import type { SessionRecord } from './session-record';
import type { SessionStore } from './session-store';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Whether `token` is the one whose hash was kept (constant time). */
export function tokenMatches(expectedHash: string, token: string): boolean {
  const given = Buffer.from(hashToken(token), 'hex');
  const expected = Buffer.from(expectedHash, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Session rules on top of a store: ids, tokens, roles and the public view. */
export class SessionService {
  constructor(
    readonly store: SessionStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session; `createdBy` is the signed-in member creating it (null only in old callers' tests). */
  async create(body: CreateSessionBody, createdBy: string | null = null): Promise<{ record: SessionRecord; interviewerToken: string }> {
    const interviewerToken = randomBytes(32).toString('base64url');
    const now = this.now();
    const record: SessionRecord = {
      id: randomUUID(),
      generation: randomUUID(),
      title: body.title && body.title.length > 0 ? body.title : null,
      language: body.language,
      initialLanguage: body.language,
      createdAt: now,
      lastActivityAt: now,
      interviewerTokenHash: hashToken(interviewerToken),
      interviewerName: body.name ?? null,
      ended: false,
      createdBy,
      candidateName: body.candidateName ?? null,
      candidateEmail: body.candidateEmail ?? null,
      guestLinkRevoked: false,
    };
    await this.store.create(record);
    return { record, interviewerToken };
  }

  /** Looks a session up by id, answering INVALID_SESSION_ID / SESSION_NOT_FOUND in words. */
  async require(id: string): Promise<SessionRecord> {
    if (!SESSION_ID_PATTERN.test(id)) throw new AppError('INVALID_SESSION_ID', 'That is not a valid session id.');
    const record = await this.store.get(id);
    if (!record) throw new AppError('SESSION_NOT_FOUND', 'This interview session does not exist or has expired.');
    return record;
  }

  /**
   * The role a guest interviewer token grants: interviewer of this session for its token,
   * candidate for none; a wrong token is UNAUTHORIZED and a revoked one GUEST_LINK_REVOKED.
   * (Signed-in members are interviewers of every session: the caller checks that first.)
   */
  roleFor(record: SessionRecord, token: string | undefined): Role {
    if (token === undefined) return 'candidate';
    if (!tokenMatches(record.interviewerTokenHash, token))
      throw new AppError('UNAUTHORIZED', 'The interviewer token for this session is not valid.');
    if (record.guestLinkRevoked) throw new AppError('GUEST_LINK_REVOKED', 'This interviewer link was revoked; ask the team for access.');
    return 'interviewer';
  }

  /** Revokes the guest interviewer link: its token is refused on every node from now on. */
  async revokeGuestLink(id: string): Promise<SessionRecord> {
    await this.require(id);
    const updated = await this.store.update(id, { guestLinkRevoked: true });
    if (!updated) throw new AppError('SESSION_NOT_FOUND', 'This interview session does not exist or has expired.');
    return updated;
  }

  publicView(record: SessionRecord, participants: number): SessionPublicView {
    return {
      id: record.id,
      title: record.title,
      language: record.language,
      createdAt: new Date(record.createdAt).toISOString(),
      expiresAt: new Date(record.lastActivityAt + this.store.ttlSeconds * 1000).toISOString(),
      ended: record.ended,
      participants,
    };
  }
}
