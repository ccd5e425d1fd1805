import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError, MAX_NAME_LENGTH } from '@pairpad/protocol';
import type { Database } from '../store';
import type { IdentityRepository, MemberRecord } from './identity-repository';
import type { NewOidcMember, OidcMember, OidcMemberDirectory } from './oidc-members';

/**
 * OIDC's view of the members table, on the identity repository (so the same queries run on
 * SQLite and PostgreSQL), plus the one query it lacks: a pending invite by email.
 */
export class RepositoryOidcMembers implements OidcMemberDirectory {
  constructor(
    private readonly repository: IdentityRepository,
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async findByOidcSubject(issuer: string, subject: string): Promise<OidcMember | null> {
    return (await this.repository.memberByOidc(issuer, subject)) ?? null;
  }

  async findByEmail(email: string): Promise<OidcMember | null> {
    return (await this.repository.memberByEmail(email)) ?? null;
  }

  async linkOidcSubject(memberId: string, issuer: string, subject: string): Promise<void> {
    await this.repository.updateMember(memberId, { oidcIssuer: issuer, oidcSubject: subject });
  }

  /** The newest unexpired, unused invite for the email is spent in the same transaction that creates the member. */
  async acceptInviteFor(profile: NewOidcMember): Promise<OidcMember | null> {
    const now = this.now();
    const invite = await this.db
      .selectFrom('invites')
      .select(['token_hash', 'role'])
      .where('email', '=', profile.email)
      .where('accepted_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    if (!invite) return null;
    return this.repository.transaction(async (repository) => {
      // Another request (a password acceptance of the same link) may have won since the read.
      if (!(await repository.claimInvite(invite.token_hash, now))) return null;
      const member = this.newMember(profile, invite.role);
      await repository.insertMember(member);
      return member;
    });
  }

  async createInterviewer(profile: NewOidcMember): Promise<OidcMember> {
    const member = this.newMember(profile, 'interviewer');
    try {
      await this.repository.insertMember(member);
      return member;
    } catch (error) {
      // Two callbacks of one newcomer racing (two tabs): the other one created the member.
      if (error instanceof AppError && error.code === 'EMAIL_TAKEN') {
        const winner = await this.findByOidcSubject(profile.issuer, profile.subject);
        if (winner) return winner;
      }
      throw error;
    }
  }

  private newMember(profile: NewOidcMember, role: MemberRecord['role']): MemberRecord {
    return {
      id: randomUUID(),
      email: profile.email,
      name: profile.name.trim().slice(0, MAX_NAME_LENGTH) || profile.email.split('@')[0]!.slice(0, MAX_NAME_LENGTH),
      role,
      // Signs in through the provider only, until an admin issues a reset link.
      passwordHash: null,
      oidcIssuer: profile.issuer,
      oidcSubject: profile.subject,
      disabled: false,
      failedSignIns: 0,
      lockedUntil: null,
      createdAt: this.now(),
    };
  }
}

/** The settings row holding the key that seals OIDC transaction cookies. */
export const OIDC_TRANSACTION_KEY_SETTING = 'oidc_transaction_key';

/**
 * The secret every node seals OIDC transaction cookies with, so a sign-in started on one node
 * completes on another: made once by whichever node gets there first (insert-if-absent is
 * atomic on SQLite and PostgreSQL), then read by all. It guards nothing but in-flight sign-ins.
 */
export async function sharedOidcTransactionSecret(db: Kysely<Database>): Promise<string> {
  await db
    .insertInto('settings')
    .values({ key: OIDC_TRANSACTION_KEY_SETTING, value: randomBytes(32).toString('base64url') })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('settings').select('value').where('key', '=', OIDC_TRANSACTION_KEY_SETTING).executeTakeFirstOrThrow();
  return row.value;
}
