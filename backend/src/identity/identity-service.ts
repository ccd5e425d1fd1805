import { randomUUID } from 'node:crypto';
import {
  AppError,
  LinkTokenSchema,
  MAX_NAME_LENGTH,
  type Member,
  type MemberListItem,
  type MemberRole,
  type UpdateMemberBody,
} from '@pairpad/protocol';
import type { AuthSessionRecord, IdentityRepository, MemberRecord } from './identity-repository';
import { hashPassword, verifyPassword } from './passwords';
import { randomToken, safeEqual, sha256Hex } from './tokens';
import { StoreUnavailableError } from '../store';

export interface IdentityLimits {
  /** An auth session ends this long after its last use (sliding). */
  sessionTtlMs: number;
  /** Wrong passwords in a row before the account is locked. */
  maxFailedSignIns: number;
  /** How long a locked account waits. */
  lockMs: number;
  inviteTtlMs: number;
  resetTtlMs: number;
}

export interface IdentityServiceOptions {
  repository: IdentityRepository;
  limits: IdentityLimits;
  now?: () => number;
}

/**
 * A new auth session. `cookieValue` goes into the `pairpad_session` cookie (httpOnly) and is
 * never stored; `csrfToken` goes to the page (it sends it back as `x-csrf-token` on writes).
 */
export interface NewAuthSession {
  cookieValue: string;
  csrfToken: string;
  expiresAt: number;
}

/** A caller whose cookie names a live auth session of an active member. */
export interface Authenticated {
  member: MemberRecord;
  session: AuthSessionRecord;
}

/** The settings key of the first-run setup code's hash: any node accepts the code. */
export const SETUP_CODE_SETTING = 'setup_code_hash';
/** When it was issued (ms): another node starting within SETUP_CODE_FRESH_MS keeps it. */
export const SETUP_CODE_ISSUED_SETTING = 'setup_code_issued_at';
/**
 * Nodes starting together share the first node's code (they print where it is) rather than each
 * replacing it; an older code is replaced at the next start, so a lost code file never locks
 * a deployment out for good.
 */
export const SETUP_CODE_FRESH_MS = 3_600_000;

/** last_seen_at is written at most this often per session: reads stay reads. */
const TOUCH_EVERY_MS = 60_000;
/** Sessions remembered for a database outage (most recently used; ~0.5 KiB each). */
const REMEMBERED_SESSIONS = 10_000;

export function memberView(member: MemberRecord): Member {
  return { id: member.id, email: member.email, name: member.name, role: member.role };
}

export function memberListItem(member: MemberRecord): MemberListItem {
  return { ...memberView(member), disabled: member.disabled, createdAt: new Date(member.createdAt).toISOString() };
}

/**
 * Accounts, auth sessions, setup, invites, resets and the members admin. Knows nothing of HTTP:
 * `http/auth-routes.ts` and the Socket.IO handshake call it with the cookie's value.
 */
export class IdentityService {
  readonly repository: IdentityRepository;
  private readonly limits: IdentityLimits;
  private readonly now: () => number;
  /**
   * The last good answer per cookie hash, used only while the database is unreachable: members
   * already signed in keep working through an outage (rooms do too) instead of all becoming
   * anonymous. Never consulted while the database answers, so sign-outs and disables made on
   * another node apply at once.
   */
  private readonly remembered = new Map<string, Authenticated>();

  constructor(options: IdentityServiceOptions) {
    this.repository = options.repository;
    this.limits = options.limits;
    this.now = options.now ?? Date.now;
  }

  /**
   * Starts an auth session for a member: the one entry point for every way of signing in
   * (password, setup, invite, OpenID Connect). Set `cookieValue` as the auth cookie (see
   * `http/auth-cookie.ts` `setAuthCookie`) and hand `csrfToken` to the page.
   */
  async createAuthSession(memberId: string): Promise<NewAuthSession> {
    const cookieValue = randomToken();
    const csrfToken = randomToken();
    const now = this.now();
    const expiresAt = now + this.limits.sessionTtlMs;
    await this.repository.insertAuthSession({
      idHash: sha256Hex(cookieValue),
      memberId,
      csrfToken,
      createdAt: now,
      expiresAt,
      lastSeenAt: now,
    });
    return { cookieValue, csrfToken, expiresAt };
  }

  /**
   * The member behind a cookie value, or null for none, a forged, expired or signed-out cookie,
   * or a disabled member. Slides the session's expiry (written at most once a minute).
   */
  async authenticate(cookieValue: string | undefined): Promise<Authenticated | null> {
    if (cookieValue === undefined || !LinkTokenSchema.safeParse(cookieValue).success) return null;
    const idHash = sha256Hex(cookieValue);
    try {
      const found = await this.lookUp(idHash);
      this.remember(idHash, found);
      return found;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      const known = this.remembered.get(idHash);
      if (known && known.session.expiresAt > this.now()) return known;
      throw new AppError('DATABASE_UNAVAILABLE', 'The database is not answering, so your sign-in cannot be checked; try again shortly.');
    }
  }

  private async lookUp(idHash: string): Promise<Authenticated | null> {
    const session = await this.repository.authSession(idHash);
    const now = this.now();
    if (!session) return null;
    if (session.expiresAt <= now) {
      await this.repository.deleteAuthSession(idHash);
      return null;
    }
    const member = await this.repository.memberById(session.memberId);
    if (!member || member.disabled) return null;
    if (now - session.lastSeenAt >= TOUCH_EVERY_MS) {
      const expiresAt = now + this.limits.sessionTtlMs;
      await this.repository.touchAuthSession(idHash, now, expiresAt);
      return { member, session: { ...session, lastSeenAt: now, expiresAt } };
    }
    return { member, session };
  }

  private remember(idHash: string, found: Authenticated | null): void {
    this.remembered.delete(idHash);
    if (!found) return;
    this.remembered.set(idHash, found);
    if (this.remembered.size > REMEMBERED_SESSIONS) this.remembered.delete(this.remembered.keys().next().value as string);
  }

  /** True when `given` is this session's CSRF token (compared in constant time). */
  csrfMatches(session: AuthSessionRecord, given: string | undefined): boolean {
    return given !== undefined && safeEqual(session.csrfToken, given);
  }

  async signOut(cookieValue: string | undefined): Promise<void> {
    if (cookieValue === undefined || !LinkTokenSchema.safeParse(cookieValue).success) return;
    this.remembered.delete(sha256Hex(cookieValue));
    await this.repository.deleteAuthSession(sha256Hex(cookieValue));
  }

  /**
   * Email + password. Unknown email and wrong password get the same error after the same work
   * (a dummy hash is verified). After `maxFailedSignIns` wrong passwords in a row the account is
   * locked for `lockMs`, even for the right password; a disabled member is told so only after
   * the right password, so guessing learns nothing.
   */
  async signIn(email: string, password: string): Promise<{ member: MemberRecord; session: NewAuthSession }> {
    const member = await this.repository.memberByEmail(email);
    if (!member) {
      await verifyPassword(null, password);
      throw signInFailed();
    }
    const now = this.now();
    if (member.lockedUntil !== null && member.lockedUntil > now) throw accountLocked(member.lockedUntil - now);
    if (!(await verifyPassword(member.passwordHash, password))) {
      const failures = await this.repository.incrementFailedSignIns(member.id);
      if (failures >= this.limits.maxFailedSignIns) {
        await this.repository.updateMember(member.id, { failedSignIns: 0, lockedUntil: now + this.limits.lockMs });
        await this.repository.audit({ actorMemberId: null, action: 'member.locked', target: member.id, details: { failures } });
        throw accountLocked(this.limits.lockMs);
      }
      throw signInFailed();
    }
    if (member.disabled) throw new AppError('ACCOUNT_DISABLED', 'This account has been disabled; ask an admin of your team.');
    if (member.failedSignIns !== 0 || member.lockedUntil !== null)
      await this.repository.updateMember(member.id, { failedSignIns: 0, lockedUntil: null });
    return { member, session: await this.createAuthSession(member.id) };
  }

  /** No admin yet: the first one is created with the setup code (or ADMIN_EMAIL/ADMIN_PASSWORD). */
  async setupRequired(): Promise<boolean> {
    return (await this.repository.countAdmins()) === 0;
  }

  /**
   * Makes a new one-time setup code and keeps only its hash (any node accepts it); answers
   * `{ issuedAt }` instead when another node issued one less than SETUP_CODE_FRESH_MS ago.
   */
  async issueSetupCode(): Promise<{ code: string } | { issuedAt: number }> {
    const code = randomToken();
    const now = this.now();
    const hash = sha256Hex(code);
    if (await this.repository.insertSettingIfAbsent(SETUP_CODE_SETTING, hash)) {
      await this.repository.putSetting(SETUP_CODE_ISSUED_SETTING, String(now));
      return { code };
    }
    const issuedAt = Number((await this.repository.setting(SETUP_CODE_ISSUED_SETTING)) ?? 0);
    if (now - issuedAt < SETUP_CODE_FRESH_MS) return { issuedAt };
    await this.repository.putSetting(SETUP_CODE_SETTING, hash);
    await this.repository.putSetting(SETUP_CODE_ISSUED_SETTING, String(now));
    return { code };
  }

  /** True when `code` is the current setup code. */
  async setupCodeMatches(code: string): Promise<boolean> {
    const stored = await this.repository.setting(SETUP_CODE_SETTING);
    return stored !== undefined && safeEqual(stored, sha256Hex(code));
  }

  /**
   * Creates the first admin with the one-time code. The code's row is deleted by the same
   * transaction that creates the admin: two requests with the code cannot both succeed.
   */
  async completeSetup(input: {
    setupCode: string;
    email: string;
    name: string;
    password: string;
  }): Promise<{ member: MemberRecord; session: NewAuthSession }> {
    const passwordHash = await hashPassword(input.password);
    const member = await this.repository.transaction(async (repository) => {
      const claimed =
        (await repository.countAdmins()) === 0 && (await repository.deleteSettingIf(SETUP_CODE_SETTING, sha256Hex(input.setupCode)));
      if (!claimed)
        throw new AppError(
          'SETUP_CODE_INVALID',
          'This setup code is not valid: it was used already, or the server printed a newer one in its log.',
        );
      const record = this.newMember({ email: input.email, name: input.name, role: 'admin', passwordHash });
      await repository.insertMember(record);
      await repository.audit({ actorMemberId: record.id, action: 'member.setup', target: record.id, details: { email: record.email } });
      return record;
    });
    return { member, session: await this.createAuthSession(member.id) };
  }

  /**
   * The first admin from ADMIN_EMAIL / ADMIN_PASSWORD, when no admin exists. Returns the member
   * it created, or null (an admin existed, or another node created this one first).
   */
  async ensureAdmin(email: string, password: string): Promise<MemberRecord | null> {
    if (!(await this.setupRequired())) return null;
    const record = this.newMember({
      email,
      name: (email.split('@')[0] || 'Admin').slice(0, MAX_NAME_LENGTH),
      role: 'admin',
      passwordHash: await hashPassword(password),
    });
    try {
      await this.repository.transaction(async (repository) => {
        const existing = await repository.memberByEmail(email);
        if (existing) await repository.updateMember(existing.id, { role: 'admin', passwordHash: record.passwordHash, disabled: false });
        else await repository.insertMember(record);
        await repository.audit({ actorMemberId: null, action: 'member.setup', target: email, details: { from: 'ADMIN_EMAIL' } });
      });
    } catch (error) {
      if (error instanceof AppError && error.code === 'EMAIL_TAKEN') return null;
      throw error;
    }
    return (await this.repository.memberByEmail(email)) ?? null;
  }

  /** An invite link's token for `email` (single use, expires after inviteTtlMs). */
  async createInvite(actor: MemberRecord, email: string, role: MemberRole): Promise<{ token: string; expiresAt: number }> {
    if (await this.repository.memberByEmail(email)) throw new AppError('EMAIL_TAKEN', 'A member with this email exists already.');
    const token = randomToken();
    const now = this.now();
    const expiresAt = now + this.limits.inviteTtlMs;
    await this.repository.insertInvite({
      tokenHash: sha256Hex(token),
      email,
      role,
      createdBy: actor.id,
      createdAt: now,
      expiresAt,
      acceptedAt: null,
    });
    await this.repository.audit({ actorMemberId: actor.id, action: 'member.invite', target: email, details: { role } });
    return { token, expiresAt };
  }

  /** Who an invite is for, while it is valid. */
  async inviteInfo(token: string): Promise<{ email: string; role: MemberRole }> {
    const invite = LinkTokenSchema.safeParse(token).success ? await this.repository.invite(sha256Hex(token)) : undefined;
    if (!invite || invite.acceptedAt !== null || invite.expiresAt <= this.now()) throw inviteInvalid();
    return { email: invite.email, role: invite.role };
  }

  /** Uses an invite: the new member is created and signed in. */
  async acceptInvite(token: string, input: { name: string; password: string }): Promise<{ member: MemberRecord; session: NewAuthSession }> {
    if (!LinkTokenSchema.safeParse(token).success) throw inviteInvalid();
    const passwordHash = await hashPassword(input.password);
    const tokenHash = sha256Hex(token);
    const member = await this.repository.transaction(async (repository) => {
      const invite = await repository.invite(tokenHash);
      if (!invite || !(await repository.claimInvite(tokenHash, this.now()))) throw inviteInvalid();
      const record = this.newMember({ email: invite.email, name: input.name, role: invite.role, passwordHash });
      await repository.insertMember(record);
      await repository.audit({
        actorMemberId: record.id,
        action: 'member.join',
        target: record.id,
        details: { email: record.email, role: record.role, invitedBy: invite.createdBy },
      });
      return record;
    });
    return { member, session: await this.createAuthSession(member.id) };
  }

  /** A password reset link's token for a member, issued by an admin (single use). */
  async createResetLink(actor: MemberRecord, memberId: string): Promise<{ token: string; expiresAt: number }> {
    await this.requireMember(memberId);
    const token = randomToken();
    const now = this.now();
    const expiresAt = now + this.limits.resetTtlMs;
    await this.repository.insertPasswordReset({
      tokenHash: sha256Hex(token),
      memberId,
      createdBy: actor.id,
      createdAt: now,
      expiresAt,
      usedAt: null,
    });
    await this.repository.audit({ actorMemberId: actor.id, action: 'member.reset-link', target: memberId });
    return { token, expiresAt };
  }

  /** Sets a new password from a reset link; every browser of that member is signed out. */
  async resetPassword(token: string, password: string): Promise<void> {
    if (!LinkTokenSchema.safeParse(token).success) throw resetInvalid();
    const passwordHash = await hashPassword(password);
    await this.repository.transaction(async (repository) => {
      const reset = await repository.claimPasswordReset(sha256Hex(token), this.now());
      if (!reset) throw resetInvalid();
      await repository.updateMember(reset.memberId, { passwordHash, failedSignIns: 0, lockedUntil: null });
      await repository.deleteAuthSessionsOfMember(reset.memberId);
      await repository.audit({
        actorMemberId: reset.memberId,
        action: 'member.password-reset',
        target: reset.memberId,
        details: { linkBy: reset.createdBy },
      });
    });
  }

  async listMembers(): Promise<MemberRecord[]> {
    return this.repository.listMembers();
  }

  /**
   * Changes a member's role or disables them. A disabled member's auth sessions end at once; the
   * last active admin cannot be demoted or disabled (nobody could manage the team after).
   */
  async updateMember(actor: MemberRecord, id: string, patch: UpdateMemberBody): Promise<MemberRecord> {
    return this.repository.transaction(async (repository) => {
      const member = await repository.memberById(id);
      if (!member) throw new AppError('NOT_FOUND', 'No member with this id.');
      const losesAdmin = member.role === 'admin' && !member.disabled && (patch.role === 'interviewer' || patch.disabled === true);
      if (losesAdmin && (await repository.countActiveAdmins()) <= 1) {
        throw new AppError('LAST_ADMIN', 'This is the last active admin; make another member admin first.');
      }
      const updated = await repository.updateMember(id, {
        ...(patch.role !== undefined ? { role: patch.role } : {}),
        ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
      });
      if (patch.disabled === true) {
        await repository.deleteAuthSessionsOfMember(id);
        for (const [idHash, known] of this.remembered) if (known.member.id === id) this.remembered.delete(idHash);
      }
      if (!updated) throw new AppError('NOT_FOUND', 'No member with this id.');
      await repository.audit({ actorMemberId: actor.id, action: 'member.update', target: id, details: { ...patch } });
      return updated;
    });
  }

  /** Drops expired auth sessions (called now and then; expired ones are refused anyway). */
  async sweepExpiredSessions(): Promise<number> {
    return this.repository.deleteExpiredAuthSessions(this.now());
  }

  private async requireMember(id: string): Promise<MemberRecord> {
    const member = await this.repository.memberById(id);
    if (!member) throw new AppError('NOT_FOUND', 'No member with this id.');
    return member;
  }

  private newMember(fields: { email: string; name: string; role: MemberRole; passwordHash: string | null }): MemberRecord {
    return {
      id: randomUUID(),
      ...fields,
      oidcIssuer: null,
      oidcSubject: null,
      disabled: false,
      failedSignIns: 0,
      lockedUntil: null,
      createdAt: this.now(),
    };
  }
}

function signInFailed(): AppError {
  return new AppError('SIGN_IN_FAILED', 'Wrong email or password.');
}

function accountLocked(remainingMs: number): AppError {
  const minutes = Math.max(1, Math.ceil(remainingMs / 60_000));
  return new AppError(
    'ACCOUNT_LOCKED',
    `Too many wrong passwords: this account is locked; try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or ask an admin for a reset link.`,
  );
}

function inviteInvalid(): AppError {
  return new AppError('INVITE_INVALID', 'This invite link is not valid: it expired or was used already. Ask an admin for a new one.');
}

function resetInvalid(): AppError {
  return new AppError('RESET_LINK_INVALID', 'This reset link is not valid: it expired or was used already. Ask an admin for a new one.');
}
