import type { Kysely, Selectable, Transaction } from 'kysely';
import { AppError } from '@pairpad/protocol';
import { UniqueViolationError, writeAudit, type Database, type MembersTable, type MemberUpdate } from '../store';
import type {
  AuthSessionRecord,
  IdentityRepository,
  InviteRecord,
  MemberPatch,
  MemberRecord,
  PasswordResetRecord,
} from './identity-repository';

type Db = Kysely<Database> | Transaction<Database>;

const flag = (value: boolean): 0 | 1 => (value ? 1 : 0);

function toMember(row: Selectable<MembersTable>): MemberRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    passwordHash: row.password_hash,
    oidcIssuer: row.oidc_issuer,
    oidcSubject: row.oidc_subject,
    disabled: row.disabled === 1,
    failedSignIns: row.failed_sign_ins,
    lockedUntil: row.locked_until,
    createdAt: row.created_at,
  };
}

function memberColumns(patch: MemberPatch): MemberUpdate {
  const columns: MemberUpdate = {};
  if (patch.name !== undefined) columns.name = patch.name;
  if (patch.role !== undefined) columns.role = patch.role;
  if (patch.passwordHash !== undefined) columns.password_hash = patch.passwordHash;
  if (patch.oidcIssuer !== undefined) columns.oidc_issuer = patch.oidcIssuer;
  if (patch.oidcSubject !== undefined) columns.oidc_subject = patch.oidcSubject;
  if (patch.disabled !== undefined) columns.disabled = flag(patch.disabled);
  if (patch.failedSignIns !== undefined) columns.failed_sign_ins = patch.failedSignIns;
  if (patch.lockedUntil !== undefined) columns.locked_until = patch.lockedUntil;
  return columns;
}

/** The identity tables on the store's Kysely database: the same queries on SQLite and PostgreSQL. */
export class KyselyIdentityRepository implements IdentityRepository {
  constructor(private readonly db: Db) {}

  transaction<T>(work: (repository: IdentityRepository) => Promise<T>): Promise<T> {
    // Already in one (a repository handed to `work`): run inline, Kysely has no nesting.
    if (this.db.isTransaction) return work(this);
    return (this.db as Kysely<Database>).transaction().execute((trx) => work(new KyselyIdentityRepository(trx)));
  }

  async countAdmins(): Promise<number> {
    const row = await this.db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('role', '=', 'admin')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async countActiveAdmins(): Promise<number> {
    const row = await this.db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('role', '=', 'admin')
      .where('disabled', '=', 0)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async memberById(id: string): Promise<MemberRecord | undefined> {
    const row = await this.db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toMember(row);
  }

  async memberByEmail(email: string): Promise<MemberRecord | undefined> {
    const row = await this.db.selectFrom('members').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
    return row && toMember(row);
  }

  async memberByOidc(issuer: string, subject: string): Promise<MemberRecord | undefined> {
    const row = await this.db
      .selectFrom('members')
      .selectAll()
      .where('oidc_issuer', '=', issuer)
      .where('oidc_subject', '=', subject)
      .executeTakeFirst();
    return row && toMember(row);
  }

  async insertMember(member: MemberRecord): Promise<void> {
    try {
      await this.db
        .insertInto('members')
        .values({
          id: member.id,
          email: member.email.toLowerCase(),
          name: member.name,
          role: member.role,
          password_hash: member.passwordHash,
          oidc_issuer: member.oidcIssuer,
          oidc_subject: member.oidcSubject,
          disabled: flag(member.disabled),
          failed_sign_ins: member.failedSignIns,
          locked_until: member.lockedUntil,
          created_at: member.createdAt,
        })
        .execute();
    } catch (error) {
      if (error instanceof UniqueViolationError) throw new AppError('EMAIL_TAKEN', 'A member with this email exists already.');
      throw error;
    }
  }

  async updateMember(id: string, patch: MemberPatch): Promise<MemberRecord | undefined> {
    const columns = memberColumns(patch);
    if (Object.keys(columns).length > 0) await this.db.updateTable('members').set(columns).where('id', '=', id).execute();
    return this.memberById(id);
  }

  async listMembers(): Promise<MemberRecord[]> {
    const rows = await this.db.selectFrom('members').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toMember);
  }

  async incrementFailedSignIns(id: string): Promise<number> {
    await this.db
      .updateTable('members')
      .set((eb) => ({ failed_sign_ins: eb('failed_sign_ins', '+', 1) }))
      .where('id', '=', id)
      .execute();
    const row = await this.db.selectFrom('members').select('failed_sign_ins').where('id', '=', id).executeTakeFirst();
    return row?.failed_sign_ins ?? 0;
  }

  async insertAuthSession(session: AuthSessionRecord): Promise<void> {
    await this.db
      .insertInto('auth_sessions')
      .values({
        id_hash: session.idHash,
        member_id: session.memberId,
        csrf_token: session.csrfToken,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
        last_seen_at: session.lastSeenAt,
      })
      .execute();
  }

  async authSession(idHash: string): Promise<AuthSessionRecord | undefined> {
    const row = await this.db.selectFrom('auth_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    return (
      row && {
        idHash: row.id_hash,
        memberId: row.member_id,
        csrfToken: row.csrf_token,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        lastSeenAt: row.last_seen_at,
      }
    );
  }

  async touchAuthSession(idHash: string, lastSeenAt: number, expiresAt: number): Promise<void> {
    await this.db
      .updateTable('auth_sessions')
      .set({ last_seen_at: lastSeenAt, expires_at: expiresAt })
      .where('id_hash', '=', idHash)
      .execute();
  }

  async deleteAuthSession(idHash: string): Promise<void> {
    await this.db.deleteFrom('auth_sessions').where('id_hash', '=', idHash).execute();
  }

  async deleteAuthSessionsOfMember(memberId: string): Promise<number> {
    const result = await this.db.deleteFrom('auth_sessions').where('member_id', '=', memberId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteExpiredAuthSessions(now: number): Promise<number> {
    const result = await this.db.deleteFrom('auth_sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async insertInvite(invite: InviteRecord): Promise<void> {
    await this.db
      .insertInto('invites')
      .values({
        token_hash: invite.tokenHash,
        email: invite.email.toLowerCase(),
        role: invite.role,
        created_by: invite.createdBy,
        created_at: invite.createdAt,
        expires_at: invite.expiresAt,
        accepted_at: invite.acceptedAt,
      })
      .execute();
  }

  async invite(tokenHash: string): Promise<InviteRecord | undefined> {
    const row = await this.db.selectFrom('invites').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return (
      row && {
        tokenHash: row.token_hash,
        email: row.email,
        role: row.role,
        createdBy: row.created_by,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        acceptedAt: row.accepted_at,
      }
    );
  }

  async claimInvite(tokenHash: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('invites')
      .set({ accepted_at: now })
      .where('token_hash', '=', tokenHash)
      .where('accepted_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async insertPasswordReset(reset: PasswordResetRecord): Promise<void> {
    await this.db
      .insertInto('password_resets')
      .values({
        token_hash: reset.tokenHash,
        member_id: reset.memberId,
        created_by: reset.createdBy,
        created_at: reset.createdAt,
        expires_at: reset.expiresAt,
        used_at: reset.usedAt,
      })
      .execute();
  }

  async claimPasswordReset(tokenHash: string, now: number): Promise<PasswordResetRecord | undefined> {
    const row = await this.db
      .updateTable('password_resets')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    return (
      row && {
        tokenHash: row.token_hash,
        memberId: row.member_id,
        createdBy: row.created_by,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        usedAt: row.used_at,
      }
    );
  }

  async audit(entry: { actorMemberId: string | null; action: string; target: string; details?: Record<string, unknown> }): Promise<void> {
    await writeAudit(this.db, entry);
  }

  async setting(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  async putSetting(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((conflict) => conflict.column('key').doUpdateSet({ value }))
      .execute();
  }

  async insertSettingIfAbsent(key: string, value: string): Promise<boolean> {
    const result = await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async deleteSettingIf(key: string, value: string): Promise<boolean> {
    const result = await this.db.deleteFrom('settings').where('key', '=', key).where('value', '=', value).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}
