import type { MemberRole } from '@pairpad/protocol';

/** A member as stored (`members` table). Times are epoch milliseconds. */
export interface MemberRecord {
  id: string;
  /** Lowercased. */
  email: string;
  name: string;
  role: MemberRole;
  /** Argon2id; null for a member who signs in through OpenID Connect only. */
  passwordHash: string | null;
  oidcIssuer: string | null;
  oidcSubject: string | null;
  disabled: boolean;
  failedSignIns: number;
  lockedUntil: number | null;
  createdAt: number;
}

/** A signed-in browser (`auth_sessions`): only the sha256 of the cookie secret is kept. */
export interface AuthSessionRecord {
  idHash: string;
  memberId: string;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
}

export interface InviteRecord {
  tokenHash: string;
  email: string;
  role: MemberRole;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
}

export interface PasswordResetRecord {
  tokenHash: string;
  memberId: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export type MemberPatch = Partial<
  Pick<MemberRecord, 'name' | 'role' | 'passwordHash' | 'oidcIssuer' | 'oidcSubject' | 'disabled' | 'failedSignIns' | 'lockedUntil'>
>;

/**
 * What the identity service needs from storage: one implementation on the Kysely database
 * (SQLite or PostgreSQL, `kysely-identity-repository.ts`). Claims (`claim…`) are single
 * conditional writes, so two nodes racing for one invite or code cannot both win.
 */
export interface IdentityRepository {
  /** Runs `work` in one transaction with a repository bound to it. */
  transaction<T>(work: (repository: IdentityRepository) => Promise<T>): Promise<T>;

  countAdmins(): Promise<number>;
  countActiveAdmins(): Promise<number>;
  memberById(id: string): Promise<MemberRecord | undefined>;
  memberByEmail(email: string): Promise<MemberRecord | undefined>;
  memberByOidc(issuer: string, subject: string): Promise<MemberRecord | undefined>;
  /** Inserts a member; throws AppError EMAIL_TAKEN when the email (or OIDC identity) is taken. */
  insertMember(member: MemberRecord): Promise<void>;
  updateMember(id: string, patch: MemberPatch): Promise<MemberRecord | undefined>;
  listMembers(): Promise<MemberRecord[]>;
  /** Adds one failed sign-in atomically; returns the new count. */
  incrementFailedSignIns(id: string): Promise<number>;

  insertAuthSession(session: AuthSessionRecord): Promise<void>;
  authSession(idHash: string): Promise<AuthSessionRecord | undefined>;
  touchAuthSession(idHash: string, lastSeenAt: number, expiresAt: number): Promise<void>;
  deleteAuthSession(idHash: string): Promise<void>;
  deleteAuthSessionsOfMember(memberId: string): Promise<number>;
  deleteExpiredAuthSessions(now: number): Promise<number>;

  insertInvite(invite: InviteRecord): Promise<void>;
  invite(tokenHash: string): Promise<InviteRecord | undefined>;
  /** Marks an unexpired, unused invite accepted; false when another request won or it is not valid. */
  claimInvite(tokenHash: string, now: number): Promise<boolean>;

  insertPasswordReset(reset: PasswordResetRecord): Promise<void>;
  /** Marks an unexpired, unused reset used and returns it; undefined otherwise. */
  claimPasswordReset(tokenHash: string, now: number): Promise<PasswordResetRecord | undefined>;

  /** Appends to the audit log (in this repository's transaction, when it has one). */
  audit(entry: { actorMemberId: string | null; action: string; target: string; details?: Record<string, unknown> }): Promise<void>;

  setting(key: string): Promise<string | undefined>;
  putSetting(key: string, value: string): Promise<void>;
  /** Inserts `key` only when absent; true when this call inserted it (two nodes: one wins). */
  insertSettingIfAbsent(key: string, value: string): Promise<boolean>;
  /** Deletes `key` only while it holds `value`; true when this call deleted it. */
  deleteSettingIf(key: string, value: string): Promise<boolean>;
}
